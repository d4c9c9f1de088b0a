namespace Regularize.Lab.Tests;

/// <summary>A base for test classes that train on the tiny synthetic IDX folder of <see cref="SyntheticIdx"/> (written once per class).</summary>
public abstract class SyntheticDataFixture
{
    private TempFolder _data = null!;

    /// <summary>The folder with the four IDX files.</summary>
    protected string DataPath => _data.Path;

    [OneTimeSetUp]
    public void WriteData()
    {
        _data = new TempFolder();
        SyntheticIdx.Write(_data.Path);
    }

    [OneTimeTearDown]
    public void DeleteData() => _data.Dispose();

    /// <summary>The lines of a result CSV without their last column, the seconds (the only figure that varies).</summary>
    protected static string[] WithoutSeconds(string csv) =>
        File.ReadAllLines(csv).Select(l => l[..l.LastIndexOf(',')]).ToArray();
}
