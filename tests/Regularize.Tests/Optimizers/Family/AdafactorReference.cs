namespace Regularize.Tests.Optimizers.Family;

internal static class AdafactorReference
{
    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s, int[] shape) => throw new NotImplementedException();
}
