using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;
using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Onnx.Tests;

/// <summary>The sample of docs/onnx.md runs as written (with a temporary path for "mlp.onnx") and gives our outputs.</summary>
public class DocsSampleTests
{
    [Test]
    public void Sample_ExportsAndRunsInOnnxRuntime()
    {
        string folder = Path.Combine(Path.GetTempPath(), "regularize-onnx-docs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "mlp.onnx");
        try
        {
            // --- sample begins (docs/onnx.md)
            // A trained model (here freshly initialised), exported for samples of 784 features.
            var model = new Sequential(new Linear(784, 256, seed: 1), new ReLU(), new Linear(256, 10, seed: 2));
            OnnxExporter.Save(model, path, new OnnxExportOptions { InputShape = [784] });

            // Load it in ONNX Runtime and run a batch of two images; the batch size is free.
            using var session = new InferenceSession(path);
            float[] pixels = new float[2 * 784];   // two images, row-major, prepared as in training
            Tensor.RandomNormal([2, 784], seed: 3).Span.CopyTo(pixels);   // (not in the sample: test inputs)
            using var input = OrtValue.CreateTensorValueFromMemory(pixels, [2, 784]);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, ["input"], [input], ["output"]);
            float[] logits = outputs[0].GetTensorDataAsSpan<float>().ToArray();   // row-major [2, 10]
            // --- sample ends

            var expected = OnnxParity.Forward(model, Tensor.FromArray(pixels, 2, 784)).ToArray();
            Assert.That(logits, Has.Length.EqualTo(20));
            Assert.That(logits, Is.EqualTo(expected).Within(OnnxParity.Tolerance));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void Sample_InTheDocs_IsTheCodeOfTheTest()
    {
        string root = RepositoryRoot();
        string testFile = Path.Combine(root, "tests", "Regularize.Onnx.Tests", "DocsSampleTests.cs");
        string docs = Path.Combine(root, "docs", "onnx.md");
        var doc = File.ReadAllLines(docs);
        int start = Array.IndexOf(doc, "```csharp");
        int end = Array.IndexOf(doc, "```", start + 1);
        var sample = doc[(start + 1)..end]
            .Where(l => l.Length > 0 && !(l.StartsWith("using ", StringComparison.Ordinal) && !l.StartsWith("using var ", StringComparison.Ordinal)))
            .Select(l => l.Replace("\"mlp.onnx\"", "path", StringComparison.Ordinal).Trim())
            .ToArray();

        var source = File.ReadAllLines(testFile).Select(l => l.Trim()).ToArray();
        int begin = Array.IndexOf(source, "// --- sample begins (docs/onnx.md)");
        int stop = Array.IndexOf(source, "// --- sample ends");
        var code = source[(begin + 1)..stop].Where(l => l.Length > 0 && !l.EndsWith("// (not in the sample: test inputs)", StringComparison.Ordinal)).ToArray();
        Assert.That(sample, Has.Length.GreaterThan(5));
        Assert.That(code, Is.EqualTo(sample), "docs/onnx.md's first C# block and this test's sample differ");
    }

    // The repository root, found from the test binaries: [CallerFilePath] is mapped to /_/ in a CI (deterministic) build.
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Regularize.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No folder above {TestContext.CurrentContext.TestDirectory} holds Regularize.sln.");
    }
}
