namespace Regularize.Tests.Data;

internal static class RepoPaths
{
    /// <summary>The repository root: the first folder above the test binaries that holds Regularize.sln.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Regularize.sln"))) return dir.FullName;
            }
            throw new DirectoryNotFoundException($"No folder above {TestContext.CurrentContext.TestDirectory} holds Regularize.sln.");
        }
    }

    public static string FashionMnistSubset => Path.Combine(Root, "data", "fashion-mnist");
}
