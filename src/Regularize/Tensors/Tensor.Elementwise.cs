using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Regularize.Tensors.Kernels;

namespace Regularize.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// A new tensor of the given shape whose elements are about to be overwritten: an op's result or a backward
    /// temporary. Inside a <see cref="TensorScope"/> its storage comes from the pool and goes back when the scope ends.
    /// </summary>
    internal static Tensor Empty(Shape shape)
    {
        if (TensorScope.IsActive)
        {
            var t = new Tensor(TensorPool.Rent(shape.Length), 0, shape) { OwnsPooledStorage = true };
            TensorScope.Track(t);
            return t;
        }
        return new(GC.AllocateUninitializedArray<float>(shape.Length), 0, shape);
    }

    /// <summary>Like <see cref="Empty"/>, cleared to zeros.</summary>
    internal static Tensor ZerosTemp(Shape shape)
    {
        var t = Empty(shape);
        t.Span.Clear();
        return t;
    }

    /// <summary>Like <see cref="Empty"/>, filled with <paramref name="value"/>.</summary>
    internal static Tensor FullTemp(Shape shape, float value)
    {
        var t = Empty(shape);
        t.Span.Fill(value);
        return t;
    }

    /// <summary>True when this tensor's storage was rented from the <see cref="TensorPool"/> by its scope.</summary>
    internal bool OwnsPooledStorage { get; private set; }

    private static Tensor Binary<TOp>(Tensor a, Tensor b, string op)
        where TOp : struct, IBinaryOperator
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var y = Empty(Broadcast.ResultShape(a.Shape, b.Shape, op));
        Broadcast.Apply<TOp>(a, b, y);
        return y;
    }

    /// <summary>Runs a broadcasting binary kernel and records the op with its rule, with a and b as its inputs.</summary>
    private static Tensor BinaryRecorded<TOp>(Tensor a, Tensor b, string op, BackwardRule rule)
        where TOp : struct, IBinaryOperator
    {
        var y = Binary<TOp>(a, b, op);
        Engine.Record(y, op, rule, a, b);
        return y;
    }

    /// <summary>What a unary op's derivative rule needs from the forward pass.</summary>
    private enum Keep
    {
        Nothing,
        Input,
        Output,
    }

    /// <summary>Runs <paramref name="kernel"/> into a new tensor and records the op with its rule and saved tensor.</summary>
    private Tensor Unary(string op, SpanAction<float> kernel, BackwardRule rule, Keep keep)
    {
        var y = Empty(Shape);
        kernel(Span, y.Span);
        var node = Engine.Record(y, op, rule, this);
        if (node is not null) node.Saved = keep switch { Keep.Input => this, Keep.Output => y, _ => null };
        return y;
    }

    internal delegate void SpanAction<T>(ReadOnlySpan<T> x, Span<T> destination);

    internal static Tensor AddNoGrad(Tensor a, Tensor b) => Binary<AddOperator>(a, b, "Add");

    /// <summary>Elementwise <c>a + b</c> with broadcasting.</summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast; the message names both.</exception>
    public static Tensor Add(Tensor a, Tensor b)
        => BinaryRecorded<AddOperator>(a, b, "Add", Derivatives.Add);

    /// <summary>Elementwise <c>a − b</c> with broadcasting.</summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast; the message names both.</exception>
    public static Tensor Subtract(Tensor a, Tensor b)
        => BinaryRecorded<SubtractOperator>(a, b, "Subtract", Derivatives.Subtract);

    /// <summary>Elementwise <c>a · b</c> with broadcasting.</summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast; the message names both.</exception>
    public static Tensor Multiply(Tensor a, Tensor b)
        => BinaryRecorded<MultiplyOperator>(a, b, "Multiply", Derivatives.Multiply);

    /// <summary>Elementwise <c>a / b</c> with broadcasting.</summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast; the message names both.</exception>
    public static Tensor Divide(Tensor a, Tensor b)
        => BinaryRecorded<DivideOperator>(a, b, "Divide", Derivatives.Divide);

    /// <summary>Elementwise maximum with broadcasting; NaN propagates. The gradient goes to <paramref name="a"/> where a ≥ b, else to <paramref name="b"/>.</summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast; the message names both.</exception>
    public static Tensor Maximum(Tensor a, Tensor b)
        => BinaryRecorded<MaximumOperator>(a, b, "Maximum", Derivatives.Maximum);

    /// <summary>Elementwise minimum with broadcasting; NaN propagates. The gradient goes to <paramref name="a"/> where a ≤ b, else to <paramref name="b"/>.</summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast; the message names both.</exception>
    public static Tensor Minimum(Tensor a, Tensor b)
        => BinaryRecorded<MinimumOperator>(a, b, "Minimum", Derivatives.Minimum);

    /// <summary>Elementwise sum.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);

    /// <summary>Elementwise difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Subtract(a, b);

    /// <summary>Elementwise product.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Multiply(a, b);

    /// <summary>Elementwise quotient.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Divide(a, b);

    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(Tensor a, float s) => Add(a, Scalar(s));

    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(float s, Tensor a) => Add(Scalar(s), a);

    /// <summary>Subtracts a scalar from every element.</summary>
    public static Tensor operator -(Tensor a, float s) => Subtract(a, Scalar(s));

    /// <summary>Subtracts every element from a scalar.</summary>
    public static Tensor operator -(float s, Tensor a) => Subtract(Scalar(s), a);

    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(Tensor a, float s) => Multiply(a, Scalar(s));

    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(float s, Tensor a) => Multiply(Scalar(s), a);

    /// <summary>Divides every element by a scalar.</summary>
    public static Tensor operator /(Tensor a, float s) => Divide(a, Scalar(s));

    /// <summary>Divides a scalar by every element.</summary>
    public static Tensor operator /(float s, Tensor a) => Divide(Scalar(s), a);

    /// <summary>Negates every element.</summary>
    public static Tensor operator -(Tensor a) => a.Negate();

    /// <summary>Elementwise <c>−x</c>.</summary>
    public Tensor Negate()
    {
        return Unary("Negate", TensorPrimitives.Negate, Derivatives.Negate, Keep.Nothing);
    }

    /// <summary>Elementwise <c>eˣ</c>.</summary>
    public Tensor Exp()
    {
        return Unary("Exp", TensorPrimitives.Exp, Derivatives.Exp, Keep.Output);
    }

    /// <summary>Elementwise natural logarithm (−∞ at 0, NaN below).</summary>
    public Tensor Log()
    {
        return Unary("Log", TensorPrimitives.Log, Derivatives.Log, Keep.Input);
    }

    /// <summary>Elementwise square root (NaN below 0).</summary>
    public Tensor Sqrt()
    {
        return Unary("Sqrt", TensorPrimitives.Sqrt, Derivatives.Sqrt, Keep.Output);
    }

    /// <summary>Elementwise <c>|x|</c>; the gradient at 0 is 0 (sign(0) = 0), as PyTorch.</summary>
    public Tensor Abs()
    {
        return Unary("Abs", TensorPrimitives.Abs, Derivatives.Abs, Keep.Input);
    }

    /// <summary>Elementwise sign: −1, 0 or 1 (NaN stays NaN; −0 gives 0). Its gradient is zero.</summary>
    public Tensor Sign()
    {
        return Unary("Sign", SignOperator.Invoke, Derivatives.ZeroGrad, Keep.Nothing);
    }

    /// <summary>Elementwise <c>x²</c>.</summary>
    public Tensor Square()
    {
        return Unary("Square", static (x, d) => TensorPrimitives.Multiply(x, x, d), Derivatives.Square, Keep.Input);
    }

    /// <summary>Elementwise <c>xᵖ</c> for a constant exponent.</summary>
    public Tensor Pow(float exponent)
    {
        var y = Empty(Shape);
        TensorPrimitives.Pow(Span, exponent, y.Span);
        var node = Engine.Record(y, "Pow", Derivatives.Pow, this);
        if (node is not null)
        {
            node.Saved = this;
            node.Scalar = exponent;
        }
        return y;
    }

    /// <summary>Elementwise hyperbolic tangent.</summary>
    public Tensor Tanh()
    {
        return Unary("Tanh", TensorPrimitives.Tanh, Derivatives.Tanh, Keep.Output);
    }

    /// <summary>Elementwise logistic sigmoid <c>1 / (1 + e⁻ˣ)</c>.</summary>
    public Tensor Sigmoid()
    {
        return Unary("Sigmoid", TensorPrimitives.Sigmoid, Derivatives.Sigmoid, Keep.Output);
    }

    /// <summary>Elementwise <c>max(x, 0)</c>; NaN propagates; the gradient at 0 is 0, as PyTorch.</summary>
    public Tensor Relu()
    {
        return Unary("Relu", ReluOperator.Invoke, Derivatives.Relu, Keep.Output);
    }

    /// <summary>Elementwise GELU, the exact form <c>x·Φ(x) = ½x(1 + erf(x/√2))</c> (PyTorch's default).</summary>
    public Tensor Gelu()
    {
        return Unary("Gelu", GeluOperator.Invoke, Derivatives.Gelu, Keep.Input);
    }

    /// <summary>
    /// Elementwise GELU in the chosen form: exact (<see cref="GeluApproximation.None"/>, as <see cref="Gelu()"/>) or the
    /// tanh approximation <c>½x(1 + tanh(√(2/π)(x + 0.044715x³)))</c> (<see cref="GeluApproximation.Tanh"/>), as
    /// <c>torch.nn.functional.gelu(x, approximate=…)</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The approximation is not a defined value.</exception>
    public Tensor Gelu(GeluApproximation approximation) => approximation switch
    {
        GeluApproximation.None => Gelu(),
        GeluApproximation.Tanh => Unary("GeluTanh", GeluTanhOperator.Invoke, Derivatives.GeluTanh, Keep.Input),
        _ => throw new ArgumentOutOfRangeException(nameof(approximation), approximation, $"Gelu: approximation must be None or Tanh, was {approximation}."),
    };

    /// <summary>Elementwise <c>min(max(x, min), max)</c>; the gradient passes where min ≤ x ≤ max.</summary>
    /// <exception cref="ArgumentException">min exceeds max, or either is NaN.</exception>
    public Tensor Clamp(float min, float max)
    {
        if (!(min <= max)) throw new ArgumentException($"Clamp: min ({min}) must not exceed max ({max}).");
        var y = Empty(Shape);
        TensorPrimitives.Max(Span, min, y.Span);
        TensorPrimitives.Min(y.Span, max, y.Span);
        var node = Engine.Record(y, "Clamp", Derivatives.Clamp, this);
        if (node is not null)
        {
            node.Saved = this;
            node.Scalar = min;
            node.Scalar2 = max;
        }
        return y;
    }
}
