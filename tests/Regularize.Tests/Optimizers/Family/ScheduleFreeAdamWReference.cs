namespace Regularize.Tests.Optimizers.Family;

internal static class ScheduleFreeAdamWReference
{
    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s) => throw new NotImplementedException();
}
