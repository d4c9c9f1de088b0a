namespace Regularize.Data;

/// <summary>
/// Where a <see cref="DataLoader"/> stands, captured by <see cref="DataLoader.GetState"/> and restored by
/// <see cref="DataLoader.SetState"/> to resume exactly, even in the middle of an epoch.
/// </summary>
/// <param name="Epoch">The epoch the next batch comes from.</param>
/// <param name="Position">How many examples of that epoch have been delivered.</param>
/// <param name="RngState">The four words of the shuffling generator's state at the start of that epoch;
/// the epoch's order, and every later epoch's, follow from them.</param>
public sealed record DataLoaderState(int Epoch, int Position, ulong[] RngState)
{
    /// <summary>True when both states have the same epoch, position and generator words.</summary>
    public bool Equals(DataLoaderState? other) =>
        other is not null && Epoch == other.Epoch && Position == other.Position &&
        RngState.AsSpan().SequenceEqual(other.RngState);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Epoch);
        h.Add(Position);
        foreach (ulong w in RngState) h.Add(w);
        return h.ToHashCode();
    }
}
