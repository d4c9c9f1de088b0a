namespace Regularize.Lab.Tests;

/// <summary>A string writer that calls <c>onTrigger</c> once, when what was written first contains <c>trigger</c>.</summary>
internal sealed class TriggerWriter(string trigger, Action onTrigger) : StringWriter
{
    private bool _fired;

    public override void Write(char value)
    {
        base.Write(value);
        Check();
    }

    public override void Write(string? value)
    {
        base.Write(value);
        Check();
    }

    public override void Write(char[] buffer, int index, int count)
    {
        base.Write(buffer, index, count);
        Check();
    }

    private void Check()
    {
        if (_fired || !GetStringBuilder().ToString().Contains(trigger, StringComparison.Ordinal)) return;
        _fired = true;
        onTrigger();
    }
}
