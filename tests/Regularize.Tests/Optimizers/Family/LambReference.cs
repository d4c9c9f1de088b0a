namespace Regularize.Tests.Optimizers.Family;

internal static class LambReference
{
    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s) => throw new NotImplementedException();
}
