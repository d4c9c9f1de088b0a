using System.Text.Json;
using Regularize.Nn;
using Regularize.Serialization;
using Regularize.Tensors;
using static Regularize.Tests.Serialization.CheckpointTestModels;

namespace Regularize.Tests.Serialization;

public class ModelWeightsTests
{
    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = NewFolder("weights");

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] PyTorchNames =
    [
        "0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias", "5.weight", "5.bias", "7.weight", "7.bias",
        "1.running_mean", "1.running_var", "1.num_batches_tracked",
    ];

    [Test]
    public void SavesParametersAndBuffersUnderPyTorchNamesAndLoadsThemBitForBit()
    {
        var source = Mlp(seed: 1);
        source.Forward(Tensor.RandomNormal([16, 4], seed: 3)); // training mode: BatchNorm's running statistics move
        string path = Path.Combine(_dir, "m.safetensors");
        ModelWeights.Save(source, path);

        SafeTensorsFile file = SafeTensors.Read(path);
        Assert.That(file.Tensors.Keys, Is.EquivalentTo(PyTorchNames));
        Assert.That(file["1.num_batches_tracked"].Shape.Rank, Is.EqualTo(0));
        Assert.That(file.Metadata["format"], Is.EqualTo("pt"));

        var target = Mlp(seed: 99);
        Assert.That(Bits(target)["0.weight"], Is.Not.EqualTo(Bits(source)["0.weight"]));
        LoadReport report = ModelWeights.Load(target, path);
        Assert.That(report.IsComplete);
        Assert.That(report.Loaded, Is.EquivalentTo(PyTorchNames));
        Assert.That(Bits(target), Is.EqualTo(Bits(source)));
    }

    [Test]
    public void AShapeMismatchNamesTheTensorAndBothShapesAndChangesNothing()
    {
        string path = Path.Combine(_dir, "m.safetensors");
        ModelWeights.Save(Mlp(seed: 1, outputs: 3), path);
        var target = Mlp(seed: 2, outputs: 5);
        var before = Bits(target);

        var e = Assert.Throws<CheckpointMismatchException>(() => ModelWeights.Load(target, path, strict: false))!;
        Assert.That(e.Message, Does.Contain("'7.weight' has shape [3,8] in the file but [5,8] in the model"));
        Assert.That(e.Message, Does.Contain("'7.bias' has shape [3] in the file but [5] in the model"));
        Assert.That(e.Message, Does.StartWith(path));
        Assert.That(e.Problems, Has.Count.EqualTo(2), string.Join(" | ", e.Problems));
        Assert.That(Bits(target), Is.EqualTo(before), "nothing is half-applied");
    }

    [Test]
    public void MissingAndExtraTensorsAreErrorsInAStrictLoad()
    {
        var small = new Sequential(new Linear(4, 8, seed: 1), new ReLU(), new Linear(8, 3, seed: 2));
        var big = new Sequential(new Linear(4, 8, seed: 3), new ReLU(), new Linear(8, 3, seed: 4), new Linear(3, 2, seed: 5));
        string path = Path.Combine(_dir, "small.safetensors");
        ModelWeights.Save(small, path);
        var before = Bits(big);

        var e = Assert.Throws<CheckpointMismatchException>(() => ModelWeights.Load(big, path))!;
        Assert.That(e.Message, Does.Contain("the model's tensor '3.weight' [2,3] is missing from the file"));
        Assert.That(e.Message, Does.Contain("the model's tensor '3.bias' [2] is missing from the file"));
        Assert.That(e.Message, Does.Contain("strict: false"));
        Assert.That(Bits(big), Is.EqualTo(before));

        string bigPath = Path.Combine(_dir, "big.safetensors");
        ModelWeights.Save(big, bigPath);
        e = Assert.Throws<CheckpointMismatchException>(() => ModelWeights.Load(small, bigPath))!;
        Assert.That(e.Message, Does.Contain("the file's tensor '3.weight' [2,3] is not in the model"));
    }

    [Test]
    public void APartialLoadLoadsTheSharedTensorsAndReportsTheRest()
    {
        var small = new Sequential(new Linear(4, 8, seed: 1), new ReLU(), new Linear(8, 3, seed: 2));
        var big = new Sequential(new Linear(4, 8, seed: 3), new ReLU(), new Linear(8, 3, seed: 4), new Linear(3, 2, seed: 5));
        string path = Path.Combine(_dir, "small.safetensors");
        ModelWeights.Save(small, path);
        var lastBefore = Bits(big)["3.weight"];

        LoadReport report = ModelWeights.Load(big, path, strict: false);
        Assert.That(report.Loaded, Is.EqualTo(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }));
        Assert.That(report.Missing, Is.EqualTo(new[] { "3.weight", "3.bias" }));
        Assert.That(report.Unexpected, Is.Empty);
        Assert.That(report.IsComplete, Is.False);
        Assert.That(report.ToString(), Does.Contain("missing from the file (kept): '3.weight', '3.bias'"));
        Assert.That(Bits(big)["0.weight"], Is.EqualTo(Bits(small)["0.weight"]));
        Assert.That(Bits(big)["3.weight"], Is.EqualTo(lastBefore));

        ModelWeights.Save(big, path);
        report = ModelWeights.Load(small, path, strict: false);
        Assert.That(report.Unexpected, Is.EqualTo(new[] { "3.bias", "3.weight" }));
        Assert.That(report.Missing, Is.Empty);
    }

    [Test]
    public void ARegularizeFileIsARegularizeNotACheckpoint()
    {
        string path = Path.Combine(_dir, "m.safetensors");
        ModelWeights.Save(Mlp(seed: 1), path);
        var e = Assert.Throws<InvalidDataException>(() => CheckpointData.Read(path))!;
        Assert.That(e.Message, Does.Contain("not a Regularize training checkpoint").And.Contain("ModelWeights.Load"));
    }

    // ------------------------------------------------------------ PyTorch fixture

    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "checkpoints", name);

    [TestCase("torch_mlp.safetensors", "output")]
    [TestCase("torch_mlp_half.safetensors", "output_half")]
    public void WeightsSavedFromPyTorchGivePyTorchsOutputs(string file, string outputKey)
    {
        using var expected = JsonDocument.Parse(File.ReadAllBytes(Fixture("torch_mlp.expected.json")));
        var root = expected.RootElement;
        var model = Mlp(seed: 123);
        LoadReport report = ModelWeights.Load(model, Fixture(file));
        Assert.That(report.IsComplete);
        Assert.That(report.Loaded, Is.EquivalentTo(root.GetProperty("names").EnumerateArray().Select(n => n.GetString())));
        Assert.That(((BatchNorm1d)model[1]).NumBatchesTracked, Is.EqualTo(root.GetProperty("num_batches_tracked").GetInt64()));

        model.Eval();
        var x = Tensor.FromArray(Floats(root.GetProperty("input").GetProperty("values")), 6, 4);
        float[] y = model.Forward(x).ToArray();
        float[] want = Floats(root.GetProperty(outputKey).GetProperty("values"));
        Assert.That(y, Has.Length.EqualTo(want.Length));
        for (int i = 0; i < y.Length; i++) Assert.That(y[i], Is.EqualTo(want[i]).Within(2e-6), $"output {i}");
    }

    /// <summary>
    /// Loads PyTorch's weights and saves them with Regularize, as a weights file and as a checkpoint, in the test
    /// output folder, for the hand-run check <c>make_weights.py --check FILE</c> (PyTorch reads them back with
    /// <c>load_state_dict(strict=True)</c> and compares outputs). Here: the saved files hold the same bits.
    /// </summary>
    [Test]
    public void SavedWeightsForThePythonCheck()
    {
        var model = Mlp(seed: 5);
        ModelWeights.Load(model, Fixture("torch_mlp.safetensors"));
        string folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "python-check");
        Directory.CreateDirectory(folder);
        ModelWeights.Save(model, Path.Combine(folder, "regularize_mlp.safetensors"));
        ModelWeights.Save(model, Path.Combine(folder, "regularize_mlp_f16.safetensors"), SafeTensorsDType.F16);
        ModelWeights.Save(model, Path.Combine(folder, "regularize_mlp_bf16.safetensors"), SafeTensorsDType.BF16);
        CheckpointData.Capture(new TrainingProgress(1, 2), model).Write(Path.Combine(folder, "regularize_mlp.ckpt"));
        TestContext.Out.WriteLine($"run: /usr/bin/python3 make_weights.py --check {folder}/regularize_mlp.safetensors (and _f16, _bf16, .ckpt)");

        var original = SafeTensors.Read(Fixture("torch_mlp.safetensors"));
        var saved = SafeTensors.Read(Path.Combine(folder, "regularize_mlp.safetensors"));
        foreach (var (name, t) in original.Tensors) Assert.That(Bits(saved[name]), Is.EqualTo(Bits(t)), name);
    }

    /// <summary>
    /// The round trip with PyTorch in each dtype: Regularize loads PyTorch's F32 state dict and writes it as F32, F16
    /// and BF16; each file must be byte for byte the one PyTorch wrote (float tensors converted by <c>.half()</c> /
    /// <c>.bfloat16()</c>, <c>num_batches_tracked</c> kept as I64, as in PyTorch's state dict).
    /// </summary>
    [TestCase("torch_mlp.safetensors", SafeTensorsDType.F32)]
    [TestCase("torch_mlp_f16.safetensors", SafeTensorsDType.F16)]
    [TestCase("torch_mlp_bf16.safetensors", SafeTensorsDType.BF16)]
    public void SavingPyTorchsWeightsGivesPyTorchsFileInEachDType(string file, SafeTensorsDType dtype)
    {
        var model = Mlp(seed: 5);
        ModelWeights.Load(model, Fixture("torch_mlp.safetensors"));
        var ms = new MemoryStream();
        ModelWeights.Save(model, ms, dtype);
        byte[] torch = File.ReadAllBytes(Fixture(file));
        Assert.That(SafeTensors.Read(Fixture(file)).Entries.Single(e => e.Name == "1.num_batches_tracked").DType, Is.EqualTo(SafeTensorsDType.I64));
        Assert.That(ms.ToArray(), Is.EqualTo(torch));

        // And back: the 16-bit file loaded and saved again in its own type gives the same bytes.
        var again = Mlp(seed: 6);
        ModelWeights.Load(again, Fixture(file));
        var ms2 = new MemoryStream();
        ModelWeights.Save(again, ms2, dtype);
        Assert.That(ms2.ToArray(), Is.EqualTo(torch));
    }

    [Test]
    public void OnlyFloatTypesAreOfferedForTheWeights()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ModelWeights.Save(Mlp(seed: 1), new MemoryStream(), SafeTensorsDType.I32))!;
        Assert.That(e.ParamName, Is.EqualTo("floatType"));
        Assert.That(ModelWeights.IsIntegerBuffer("1.num_batches_tracked") && ModelWeights.IsIntegerBuffer("num_batches_tracked"));
        Assert.That(ModelWeights.IsIntegerBuffer("1.xnum_batches_tracked"), Is.False);
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
}
