using Regularize.Serialization;
using Regularize.Tensors;

namespace Regularize.Tests.Serialization;

/// <summary>One case per rule of the metadata document: each damaged document is rejected with a message that names the field.</summary>
public class CheckpointValidationTests
{
    private static readonly Lazy<SafeTensorsFile> Valid = new(() =>
        SafeTensors.Read(new MemoryStream(CheckpointFileTests.Bytes(CheckpointFileTests.CaptureWithCallbacks(CheckpointFileTests.Advanced(), new TrainingProgress(2, 9))))));

    private static string Document => Valid.Value.Metadata[CheckpointData.MetadataKey];

    /// <summary>The valid checkpoint with its tensors and a replaced document (or extra tensors).</summary>
    internal static byte[] With(string document, IReadOnlyDictionary<string, Tensor>? extraTensors = null)
    {
        var tensors = new Dictionary<string, Tensor>(Valid.Value.Tensors);
        foreach (var (k, v) in extraTensors ?? new Dictionary<string, Tensor>()) tensors[k] = v;
        var ms = new MemoryStream();
        SafeTensors.Write(ms, tensors, new Dictionary<string, string> { [CheckpointData.MetadataKey] = document });
        return ms.ToArray();
    }

    private static string Rejected(byte[] file)
    {
        var e = Assert.Throws<InvalidDataException>(() => CheckpointData.Read(new MemoryStream(file), "bad.ckpt"))!;
        Assert.That(e.Message, Does.StartWith("bad.ckpt: "));
        Assert.That(e.Message, Does.Not.EndWith(".."), "a quoted message ending in a period gets no second one");
        return e.Message;
    }

    /// <summary>The valid document with the first match of the regular expression <paramref name="find"/> replaced.</summary>
    private static string Replace(string find, string replacement)
    {
        var regex = new System.Text.RegularExpressions.Regex(find);
        Assert.That(regex.IsMatch(Document), "the test's pattern occurs in the valid document");
        return regex.Replace(Document, replacement.Replace("$", "$$"), 1);
    }

    [Test]
    public void TheValidDocumentIsAccepted() => Assert.That(CheckpointData.Read(new MemoryStream(With(Document))).Progress.Step, Is.EqualTo(9));

    [TestCase("\"version\":2", "\"version\":3", "version is 3; this version of Regularize reads checkpoint format versions 1 to 2 only")]
    [TestCase("\"version\":2", "\"version\":0", "version is 0")]
    [TestCase("\"version\":2", "\"version\":1", "has an unknown field 'callbacks'")]
    [TestCase("\"version\":2", "\"version\":\"2\"", "version is a JSON String, not an integer")]
    [TestCase("\"version\":2,", "", "lacks the field \"version\"")]
    [TestCase(",\"callbacks\":\\{.*\\}\\}$", "}", "lacks the field \"callbacks\"")]
    [TestCase("\"callbacks\":\\{\"BatchMixing\\[0\\]\"", "\"callbacks\":{\"a.b\":{},\"BatchMixing[0]\"", "callbacks.'a.b' is not a callback key")]
    [TestCase("\"callbacks\":\\{\"BatchMixing\\[0\\]\":\\{", "\"callbacks\":{\"BatchMixing[0]\":{\"x\":1,", "callbacks.'BatchMixing[0]' has an unknown field 'x'")]
    [TestCase("\"type\":\"BatchMixing\"", "\"type\":\"\"", "callbacks.'BatchMixing[0]'.type is empty")]
    [TestCase("\"updates\":1", "\"updates\":-1", "callbacks.'ExponentialMovingAverage[0]'.integers.'updates' is -1, outside [0, 9007199254740992]")]
    [TestCase("\"updates\":1", "\"updates\":9223372036854775807", "callbacks.'ExponentialMovingAverage[0]'.integers.'updates' is 9223372036854775807, outside [0, 9007199254740992]")]
    [TestCase("\"updates\":1", "\"updates\":1.5", "'updates' is '1.5', not an integer")]
    [TestCase("\"bestValue\":\"Infinity\"", "\"bestValue\":\"NaN\"", "callbacks.'EarlyStopping[0]'.numbers.'bestValue' is the string 'NaN', not a number")]
    [TestCase("\"bestValue\":\"Infinity\"", "\"bestValue\":1e999", "'bestValue' is '1e999', not a finite double")]
    [TestCase("\"rngStates\":\\{\"rng\":\\[", "\"rngStates\":{\"rng\":[\"0000000000000000\",", "callbacks.'BatchMixing[0]'.rngStates.'rng' has 7 words, expected 6")]
    [TestCase("\"rngStates\":\\{\"rng\":\\[\"[0-9a-f]{16}\",\"[0-9a-f]{16}\",\"[0-9a-f]{16}\",\"[0-9a-f]{16}\"", "\"rngStates\":{\"rng\":[\"0000000000000000\",\"0000000000000000\",\"0000000000000000\",\"0000000000000000\"", "callbacks.'BatchMixing[0]'.rngStates.'rng' is not a generator state")]
    [TestCase("\"tensors\":\\[\"average\\.0\\.bias\"", "\"tensors\":[\"average.0.bias\",\"average.0.bias\"", "lists 'average.0.bias' twice")]
    [TestCase("\"tensors\":\\[\"average\\.0\\.bias\"", "\"tensors\":[\"\",\"average.0.bias\"", "ExponentialMovingAverage[0]'.tensors[0] is empty")]
    [TestCase("\"tensors\":\\[\"average\\.0\\.bias\"", "\"tensors\":[\"nowhere\",\"average.0.bias\"", "lists tensor 'nowhere' of callback 'ExponentialMovingAverage[0]', but the file has no tensor 'callback.ExponentialMovingAverage[0].nowhere'")]
    [TestCase("\"format\":\"regularize\\.checkpoint\"", "\"format\":\"other\"", "format is not \"regularize.checkpoint\"")]
    [TestCase("\"progress\":\\{", "\"extra\":1,\"progress\":{", "has an unknown field 'extra'")]
    [TestCase("\"progress\":\\{\"epoch\":2,", "\"progress\":{", "progress lacks the field \"epoch\"")]
    [TestCase("\"epoch\":2", "\"epoch\":2,\"epoch\":3", "progress has the field 'epoch' twice")]
    [TestCase("\"epoch\":2", "\"epoch\":2.0", "progress.epoch is '2.0', not an integer")]
    [TestCase("\"epoch\":2", "\"epoch\":1e3", "progress.epoch is '1e3', not an integer")]
    [TestCase("\"epoch\":2", "\"epoch\":-1", "progress.epoch is -1, outside [0,")]
    [TestCase("\"step\":9", "\"step\":99999999999999999999", "progress.step is '99999999999999999999', not an integer in range")]
    [TestCase("\"step\":9", "\"step\":null", "progress.step is a JSON Null, not an integer")]
    [TestCase("\"epoch\":2", "\"epoch\":2147483647", "progress.epoch is 2147483647, outside [0, 1073741824]")]
    [TestCase("\"epoch\":2", "\"epoch\":1073741825", "progress.epoch is 1073741825, outside [0, 1073741824]")]
    [TestCase("\"step\":9", "\"step\":9223372036854775807", "progress.step is 9223372036854775807, outside [0, 9007199254740992]")]
    [TestCase("\"loader\":\\{\"epoch\":\\d+", "\"loader\":{\"epoch\":2147483647", "loader.epoch is 2147483647, outside [0, 1073741824]")]
    [TestCase("\"schedulers\":\\[\\{\"step\":\\d+", "\"schedulers\":[{\"step\":9223372036854775807", "schedulers[0].step is 9223372036854775807, outside [0, 9007199254740992]")]
    [TestCase("\"lastStep\":\\d+", "\"lastStep\":9223372036854775807", "plateaus[0].lastStep is 9223372036854775807, outside [0, 9007199254740992]")]
    [TestCase("\"step\":2,\"tensors\"", "\"step\":9223372036854775807,\"tensors\"", "step is 9223372036854775807, outside [0, 9007199254740992]")]
    [TestCase("\"schedulers\":\\[.*?\\],\"plateaus\"", "\"schedulers\":{},\"plateaus\"", "schedulers is a JSON Object, not an array")]
    [TestCase("\"hyperparameter\":\"LearningRate\"", "\"hyperparameter\":\"0\"", "schedulers[0].hyperparameter is '0', not one of LearningRate")]
    [TestCase("\"mode\":\"MultiplyInitial\"", "\"mode\":\"multiplyinitial\"", "schedulers[0].mode is 'multiplyinitial', not one of")]
    [TestCase("\"initialValues\":\\[", "\"initialValues\":[\"x\",", "schedulers[0].initialValues[0] is a JSON String, not a number")]
    [TestCase("\"initialValues\":\\[", "\"initialValues\":[1e999,", "schedulers[0].initialValues[0] is '1e999', not a finite double")]
    [TestCase("\"numBadSteps\":\\d+", "\"numBadSteps\":-3", "plateaus[0].numBadSteps is -3, outside [0,")]
    [TestCase("\"best\":[-0-9.eE+]+", "\"best\":\"NaN\"", "plateaus[0].best is the string 'NaN', not a number")]
    [TestCase("\"position\":16", "\"position\":51", "loader.position is 51, beyond the dataset's 50 examples")]
    [TestCase("\"shuffle\":true", "\"shuffle\":1", "loader.shuffle is a JSON Number, not true or false")]
    [TestCase("\"rngState\":\\[\"", "\"rngState\":[\"zz", "loader.rngState[0] is 'zz")]
    [TestCase("\"rngState\":\\[", "\"rngState\":[\"0000000000000000\",", "loader.rngState has 5 words, expected 4")]
    [TestCase("\"dropout\":\\{\"3\":\\[", "\"dropout\":{\"3\":[\"0\",", "dropout.'3' has 7 words, expected 6")]
    [TestCase("\"dropout\":\\{", "\"dropout\":{\"9\":[\"0000000000000000\",\"0000000000000000\",\"0000000000000000\",\"0000000000000000\",\"0000000000000000\",\"0000000000000000\"],", "dropout.'9' is not a generator state")]
    [TestCase("\"type\":\"AdamW\"", "\"type\":7", "optimizer.type is a JSON Number, not a string")]
    [TestCase("\"hyperparameters\":\\{", "\"hyperparameters\":{\"x\":\"1\",", "optimizer.groups[0].hyperparameters.'x' is a JSON String, not a number")]
    [TestCase("\"parameters\":\\[\"0\\.weight\"", "\"parameters\":[\"0.bias\",\"0.weight\"", "optimizer.groups[1].parameters[0] is '0.bias', which group 0 already holds")]
    [TestCase("\"state\":\\{", "\"state\":{\"nowhere\":{\"step\":1,\"tensors\":[]},", "optimizer.state.'nowhere' names a parameter that no group holds")]
    [TestCase("\"tensors\":\\[\"m\"", "\"tensors\":[\"q\",\"m\"", "lists optimizer state 'q' of parameter")]
    [TestCase("\"tensors\":\\[\"m\"", "\"tensors\":[\"m\",\"m\"", "lists 'm' twice")]
    [TestCase("\"tensors\":\\[\"m\"", "\"tensors\":[\"a.m\",\"m\"", "is 'a.m', which is empty or contains a dot")]
    [TestCase("\"step\":2,\"tensors\"", "\"step\":-2,\"tensors\"", "step is -2, outside")]
    [TestCase("\"loader\":\\{", "\"loader\":[[[[[[[[[[1]]]]]]]]],\"x\":{", "not valid JSON (nested at most 8 deep)")]
    public void ADamagedDocumentIsRejectedByName(string find, string replacement, string message)
    {
        Assert.That(Rejected(With(Replace(find, replacement))), Does.Contain(message));
    }

    [TestCase("", "not valid JSON")]
    [TestCase("[]", "the document is a JSON Array, not an object")]
    [TestCase("{\"format\":\"regularize.checkpoint\",\"version\":1}", "lacks the field \"progress\"")]
    [TestCase("{\"version\":7,\"format\":\"regularize.checkpoint\",\"anything\":[]}", "version is 7")]
    public void AWrongDocumentIsRejected(string document, string message) => Assert.That(Rejected(With(document)), Does.Contain(message));

    [Test]
    public void ATensorThatIsNeitherModelNorListedOptimizerStateIsRejected()
    {
        Assert.That(Rejected(With(Document, new Dictionary<string, Tensor> { ["stray"] = Tensor.Zeros(2) })),
            Does.Contain("tensor 'stray' is neither a model tensor"));
        Assert.That(Rejected(With(Document, new Dictionary<string, Tensor> { ["optimizer.state.0.weight.zz"] = Tensor.Zeros(8, 4) })),
            Does.Contain("tensor 'optimizer.state.0.weight.zz' is neither"));
        Assert.That(Rejected(With(Document, new Dictionary<string, Tensor> { ["callback.ExponentialMovingAverage[0].average.zz"] = Tensor.Zeros(2) })),
            Does.Contain("tensor 'callback.ExponentialMovingAverage[0].average.zz' is neither"));
    }

    [Test]
    public void TheBoundsOnCountersAreThoseTheCheckpointNames()
    {
        Assert.That(CheckpointData.MaxStep, Is.EqualTo(1L << 53), "the last step count a double holds exactly");
        Assert.That(int.MaxValue - CheckpointData.MaxEpoch, Is.EqualTo(CheckpointData.MaxEpoch - 1), "room for as many epochs again, less one");
        Assert.That(CheckpointData.Read(new MemoryStream(With(Replace("\"epoch\":2", $"\"epoch\":{CheckpointData.MaxEpoch}")))).Progress.Epoch,
            Is.EqualTo(CheckpointData.MaxEpoch), "the bound itself is accepted");
    }

    [Test]
    public void ProgressBeyondTheBoundsIsNotWritten()
    {
        var rig = CheckpointFileTests.Advanced();
        foreach (var progress in new[] { new TrainingProgress(CheckpointData.MaxEpoch + 1L, 0), new TrainingProgress(0, long.MaxValue) })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => CheckpointFileTests.Capture(rig, progress))!;
            Assert.That(e.Message, Does.Contain(progress.ToString()));
        }
    }

    [Test]
    public void AFileWithoutTheDocumentIsNotACheckpoint()
    {
        var ms = new MemoryStream();
        SafeTensors.Write(ms, Valid.Value.Tensors);
        var e = Assert.Throws<InvalidDataException>(() => CheckpointData.Read(new MemoryStream(ms.ToArray()), "w.safetensors"))!;
        Assert.That(e.Message, Does.Contain("holds no 'regularize.checkpoint' metadata"));
    }
}
