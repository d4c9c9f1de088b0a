using Regularize.Data;
using Regularize.Lab.Cli;

namespace Regularize.Lab.Experiments;

/// <summary>Finds and loads the Fashion-MNIST folder the lab trains on.</summary>
internal static class LabData
{
    private static readonly string[] s_files = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>
    /// The folder to use: <paramref name="requested"/> if given, else the shipped subset <c>data/fashion-mnist</c>, looked
    /// for upwards from the working directory (a repository checkout) and then in the tool's base directory.
    /// </summary>
    public static string Resolve(string? requested)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            if (!Directory.Exists(requested)) throw new LabException($"data folder '{requested}' does not exist.");
            return requested;
        }
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "data", "fashion-mnist");
                if (HasFiles(candidate)) return candidate;
            }
        }
        throw new LabException("could not find the shipped data folder data/fashion-mnist (looked upwards from the working directory and the tool's folder); pass --data FOLDER.");
    }

    /// <summary>Loads both splits, normalised with the training set's pixel mean and standard deviation.</summary>
    public static (InMemoryDataset Train, InMemoryDataset Test) Load(string folder)
    {
        try
        {
            return FashionMnist.LoadBoth(folder, FashionMnist.TrainingSetNormalization);
        }
        catch (FileNotFoundException e)
        {
            throw new LabException($"data folder '{folder}': {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new LabException($"data folder '{folder}' holds a damaged file: {LabApp.Describe(e)}", e);
        }
        catch (IOException e)
        {
            throw new LabException($"data folder '{folder}': {LabApp.Describe(e)}", e);
        }
    }

    private static bool HasFiles(string folder) =>
        s_files.All(f => File.Exists(Path.Combine(folder, f)) || File.Exists(Path.Combine(folder, f + ".gz")));
}
