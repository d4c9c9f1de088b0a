using Regularize.Tensors;

// A consumer of the packed library: if the package is broken, this does not build or run.
var a = Tensor.Arange(0, 6).Reshape(2, 3);
var b = Tensor.Ones(3, 2);
var c = Tensor.MatMul(a, b);
float[] expected = [3, 3, 12, 12];
if (!c.ToArray().SequenceEqual(expected))
{
    Console.Error.WriteLine($"package check: MatMul gave [{string.Join(", ", c.ToArray())}], expected [{string.Join(", ", expected)}]");
    return 1;
}
Console.WriteLine($"package check: MatMul {a.Shape} x {b.Shape} = {c.Shape} ok");

// The package README's example, built against the packed library.
var (_, test) = ReadmeExample.Run();
if (!(test.Accuracy >= 0.9))
{
    Console.Error.WriteLine($"package check: the README example reached a test accuracy of {test.Accuracy}, expected at least 0.9");
    return 1;
}
Console.WriteLine("package check: README example ok");
return 0;
