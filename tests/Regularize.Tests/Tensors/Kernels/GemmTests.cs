using Regularize.Tensors.Kernels;

namespace Regularize.Tests.Tensors.Kernels;

/// <summary>
/// <see cref="Gemm.Multiply"/> against a double-precision MathNet.Numerics product, within the float32 dot-product
/// error bound described in <see cref="GemmTestData.Bound"/>.
/// </summary>
[TestFixture]
[Category("Kernels")]
public class GemmTests
{
    private static readonly (bool TransposeA, bool TransposeB)[] Transposes = [(false, false), (true, false), (false, true), (true, true)];

    // (m, n, k): 1, primes, sizes around the 6×16 tile, k across the KC = 512 block, m across MC = 144.
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (1, 7, 13), (13, 1, 7), (7, 13, 1), (6, 16, 8), (12, 32, 5), (5, 15, 17), (7, 17, 31),
        (31, 67, 13), (67, 97, 131), (97, 131, 67), (131, 31, 97), (1, 131, 257), (131, 1, 300),
        (150, 35, 40), (37, 41, 513), (20, 18, 1100),
    ];

    private static IEnumerable<TestCaseData> SmallCases()
    {
        int seed = 0;
        foreach (var (ta, tb) in Transposes)
        {
            foreach (var (m, n, k) in Shapes)
            {
                foreach (float beta in new[] { 0f, 1f })
                {
                    int pad = seed % 3 == 0 ? 0 : seed % 3 == 1 ? 3 : 17;
                    yield return new TestCaseData(ta, tb, m, n, k, pad, beta, seed++)
                        .SetArgDisplayNames($"{(ta ? "T" : "N")}{(tb ? "T" : "N")} {m}x{n}x{k} pad{pad} beta{beta}");
                }
            }
        }
    }

    [TestCaseSource(nameof(SmallCases))]
    public void MatchesMathNet(bool transposeA, bool transposeB, int m, int n, int k, int pad, float beta, int seed)
    {
        var data = new GemmTestData(transposeA, transposeB, m, n, k, pad, beta, seed);
        float[] c = data.NewC();
        data.Run(c, threads: 1);
        data.AssertClose(c);
    }

    [TestCaseSource(nameof(SmallCases))]
    public void ReferenceMatchesMathNet(bool transposeA, bool transposeB, int m, int n, int k, int pad, float beta, int seed)
    {
        var data = new GemmTestData(transposeA, transposeB, m, n, k, pad, beta, seed);
        float[] c = data.NewC();
        data.RunReference(c);
        data.AssertClose(c);
    }

    // Large enough to take the multi-threaded path (over 2²¹ multiply-adds); C is split over blocks of rows, B is packed
    // by several threads when wide. Moderate so the portable fallback stays quick when intrinsics are disabled.
    [TestCase(false, false, 300, 170, 260, 0f)]
    [TestCase(true, false, 170, 300, 260, 1f)]
    [TestCase(false, true, 2100, 30, 40, 0f)]
    [TestCase(true, true, 90, 2100, 30, 1f)]
    [TestCase(false, false, 40, 60, 1000, 0.5f)]
    [TestCase(false, true, 400, 300, 256, 1f)] // taller than wide with a large B block: B is packed by several threads
    public void LargeMatchesMathNet(bool transposeA, bool transposeB, int m, int n, int k, float beta)
    {
        var data = new GemmTestData(transposeA, transposeB, m, n, k, pad: 5, beta, seed: m + n + k);
        float[] c = data.NewC();
        data.Run(c, threads: -1);
        data.AssertClose(c);
    }

    [TestCase(false, false, 200, 310, 270)]
    [TestCase(true, true, 310, 200, 270)]
    [TestCase(true, false, 97, 131, 600)]
    [TestCase(false, true, 1000, 23, 100)]
    [TestCase(true, false, 400, 300, 600)]
    [TestCase(false, true, 400, 300, 600)]
    public void ThreadCountDoesNotChangeBits(bool transposeA, bool transposeB, int m, int n, int k)
    {
        foreach (float beta in new[] { 0f, 1f })
        {
            var data = new GemmTestData(transposeA, transposeB, m, n, k, pad: 2, beta, seed: 7);
            float[] single = data.NewC();
            data.Run(single, threads: 1);
            foreach (int threads in new[] { -1, 2, 3, 4 })
            {
                float[] parallel = data.NewC();
                data.Run(parallel, threads);
                Assert.That(parallel, Is.EqualTo(single).AsCollection, $"{data} with {threads} threads");
            }
        }
    }

    [TestCaseSource(nameof(SmallCases))]
    public void FastPathMatchesReference(bool transposeA, bool transposeB, int m, int n, int k, int pad, float beta, int seed)
    {
        // Both are within the bound of the exact answer, so they are within twice the bound of each other.
        var data = new GemmTestData(transposeA, transposeB, m, n, k, pad, beta, seed);
        float[] fast = data.NewC(), reference = data.NewC();
        data.Run(fast, threads: -1);
        data.RunReference(reference);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double difference = Math.Abs((double)fast[i * data.Ldc + j] - reference[i * data.Ldc + j]);
                Assert.That(difference, Is.LessThanOrEqualTo(2 * data.Bound(i, j)), $"{data}: C[{i},{j}]");
            }
        }
    }

    [TestCase(0f)]
    [TestCase(1f)]
    [TestCase(-2.5f)]
    public void ZeroDepthScalesC(float beta)
    {
        float[] c = [1, 2, 3, 99, 4, 5, 6];
        float[] expected = [beta * 1, beta * 2, beta * 3, 99, beta * 4, beta * 5, beta * 6];
        if (beta == 0f)
        {
            c[0] = float.NaN;
        }
        Gemm.Multiply(false, false, 2, 3, 0, [], 1, [], 3, c, 4, beta);
        Assert.That(c, Is.EqualTo(expected).AsCollection);
    }

    [Test]
    public void EmptyOutputTouchesNothing()
    {
        float[] c = [float.NaN, 7];
        Gemm.Multiply(false, false, 0, 2, 3, [], 3, new float[6], 2, c, 2);
        Gemm.Multiply(false, false, 1, 0, 3, new float[3], 3, [], 1, c, 2);
        Assert.That(c[1], Is.EqualTo(7f));
    }

    [Test]
    public void GeneralBetaScalesOldC()
    {
        var data = new GemmTestData(false, true, 19, 45, 300, pad: 1, beta: -0.75f, seed: 3);
        float[] c = data.NewC();
        data.Run(c, threads: 1);
        data.AssertClose(c);
    }

    [Test]
    public void SteadyStateAllocatesNothing()
    {
        var data = new GemmTestData(true, false, 100, 90, 300, pad: 0, beta: 0f, seed: 1);
        float[] c = data.NewC();
        for (int i = 0; i < 5; i++)
        {
            data.Run(c, threads: 1);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        data.Run(c, threads: 1);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero);
    }
}
