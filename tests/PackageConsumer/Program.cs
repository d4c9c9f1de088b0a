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
return 0;
