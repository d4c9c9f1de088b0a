using System.Runtime.Intrinsics;

namespace Regularize.Tests.Tensors.Kernels;

/// <summary>
/// CI reruns the <c>Kernels</c> category with one runtime switch off at a time to reach the narrower vector paths.
/// A switch the runtime ignores (.NET 10 ignores <c>DOTNET_EnableAVX512F</c>, for one) would silently rerun the
/// widest path; these tests fail in that case, so a rerun that tests nothing new cannot pass unnoticed.
/// </summary>
[Category("Kernels")]
public class HardwareSwitchTests
{
    private static bool SwitchedOff(string name) => Environment.GetEnvironmentVariable(name) == "0";

    [TestCase("DOTNET_EnableAVX512")]
    [TestCase("DOTNET_EnableAVX512F")]
    public void Avx512SwitchDisablesVector512(string name)
    {
        if (!SwitchedOff(name)) Assert.Ignore($"{name} is not set to 0 in this run");
        Assert.That(Vector512.IsHardwareAccelerated, Is.False, $"{name}=0 left Vector512 accelerated");
    }

    [Test]
    public void Avx2SwitchDisablesVector256()
    {
        if (!SwitchedOff("DOTNET_EnableAVX2")) Assert.Ignore("DOTNET_EnableAVX2 is not set to 0 in this run");
        Assert.That(Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated, Is.False,
            "DOTNET_EnableAVX2=0 left Vector256 or Vector512 accelerated");
    }

    [Test]
    public void HwIntrinsicSwitchDisablesEveryVectorWidth()
    {
        if (!SwitchedOff("DOTNET_EnableHWIntrinsic")) Assert.Ignore("DOTNET_EnableHWIntrinsic is not set to 0 in this run");
        Assert.That(Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated || Vector128.IsHardwareAccelerated,
            Is.False, "DOTNET_EnableHWIntrinsic=0 left a vector width accelerated");
    }
}
