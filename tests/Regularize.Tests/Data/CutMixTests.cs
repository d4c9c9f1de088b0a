using Regularize.Data;
using Regularize.Tensors;

namespace Regularize.Tests.Data;

public class CutMixTests
{
    [Test]
    public void TheBoxComesFromThePartnerImageAndLambdaIsTheAreaKept()
    {
        int n = 3, h = 6, w = 5;
        var x = new float[n * h * w];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < h * w; k++) x[i * h * w + k] = 100 * i + k;
        }
        var batch = new Batch(Tensor.FromArray(x, n, h * w), [0, 1, 2], n, 0, 0);
        for (ulong seed = 0; seed < 20; seed++)
        {
            var cutmix = new CutMix(3, h, w, alpha: 1, seed: seed);
            var mixed = cutmix.Mix(batch);
            var (top, bottom, left, right) = cutmix.LastBox;
            var pi = cutmix.LastPermutation.ToArray();
            var y = mixed.Inputs.ToArray();
            for (int i = 0; i < n; i++)
            {
                for (int r = 0; r < h; r++)
                {
                    for (int c = 0; c < w; c++)
                    {
                        bool inBox = r >= top && r < bottom && c >= left && c < right;
                        int from = inBox ? pi[i] : i;
                        Assert.That(y[i * h * w + r * w + c], Is.EqualTo(x[from * h * w + r * w + c]), $"seed {seed} image {i} ({r},{c})");
                    }
                }
            }
            double kept = 1 - (double)(bottom - top) * (right - left) / (h * w);
            Assert.That(cutmix.LastLambda, Is.EqualTo(kept));
            var t = mixed.Targets!.ToArray();
            for (int i = 0; i < n; i++)
            {
                if (pi[i] != i) Assert.That(t[i * 3 + i], Is.EqualTo((float)kept).Within(1e-6f));
            }
        }
        Assert.Throws<ArgumentException>(() => new CutMix(3, 4, 4).Mix(batch));
    }
}
