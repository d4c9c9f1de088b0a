using Microsoft.ML.OnnxRuntime;
using Regularize.Autograd;
using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Onnx.Tests;

/// <summary>Exports a model, runs the file in ONNX Runtime and compares its outputs with the model's own evaluation-mode forward pass.</summary>
internal static class OnnxParity
{
    /// <summary>The agreement asked of every exported layer: |ours − ONNX Runtime's| ≤ 1e-5 elementwise.</summary>
    public const float Tolerance = 1e-5f;

    /// <summary>
    /// Exports <paramref name="model"/> for samples of <paramref name="sampleShape"/> at <paramref name="opset"/>, runs it on
    /// random batches of each size in <paramref name="batchSizes"/> (the batch axis is dynamic, so one file serves them
    /// all), and asserts that the outputs match to <paramref name="tolerance"/>. Returns the largest difference seen.
    /// </summary>
    public static double AssertMatches(Module model, int[] sampleShape, int opset = OnnxExportOptions.DefaultOpset,
        float tolerance = Tolerance, int[]? batchSizes = null, float inputScale = 1f, ulong seed = 1)
    {
        var bytes = OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = sampleShape, Opset = opset });
        Keep(bytes, model, opset);
        model.Eval();
        double worst = 0;
        using var session = new InferenceSession(bytes);
        foreach (int n in batchSizes ?? [1, 5])
        {
            var input = Tensor.RandomNormal([n, .. sampleShape], std: inputScale, seed: seed + (ulong)n);
            var expected = Forward(model, input);
            var actual = Run(session, input, out var shape);
            Assert.That(shape, Is.EqualTo(expected.Shape.ToArray().Select(d => (long)d).ToArray()), $"output shape at batch {n}");
            var e = expected.ToArray();
            for (int i = 0; i < e.Length; i++)
            {
                double diff = Math.Abs(e[i] - actual[i]);
                worst = Math.Max(worst, diff);
                if (!(diff <= tolerance))
                {
                    Assert.Fail($"batch {n}, opset {opset}: element {i}: ours {e[i]:R}, ONNX Runtime {actual[i]:R} (difference {diff:G3} > {tolerance:G3})");
                }
            }
        }
        TestContext.Out.WriteLine($"opset {opset}: largest |ours - ONNX Runtime| = {worst:G3}");
        return worst;
    }

    /// <summary>Our forward pass in evaluation mode, without recording.</summary>
    public static Tensor Forward(Module model, Tensor input)
    {
        using (GradMode.NoGrad()) return model.Eval().Forward(input);
    }

    /// <summary>Runs the model's one input through <paramref name="session"/> and returns its first output and that output's shape.</summary>
    public static float[] Run(InferenceSession session, Tensor input, out long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input.ToArray(), input.Shape.ToArray().Select(d => (long)d).ToArray());
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [session.InputNames[0]], [value], [session.OutputNames[0]]);
        var output = outputs[0];
        shape = output.GetTensorTypeAndShape().Shape;
        return output.GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>
    /// With the environment variable <c>REGULARIZE_ONNX_KEEP</c> set to a folder, every model a test exports is also
    /// written there, so that tests/Regularize.Onnx.Tests/check-models.sh can run the ONNX checker over them.
    /// </summary>
    public static void Keep(byte[] bytes, Module model, int opset)
    {
        string? folder = Environment.GetEnvironmentVariable("REGULARIZE_ONNX_KEEP");
        if (string.IsNullOrEmpty(folder)) return;
        Directory.CreateDirectory(folder);
        string test = string.Concat(TestContext.CurrentContext.Test.Name.Select(c => char.IsLetterOrDigit(c) ? c : '_'));
        File.WriteAllBytes(Path.Combine(folder, $"{test}_{model.GetType().Name}_opset{opset}.onnx"), bytes);
    }
}
