namespace DeiT.Tuning.Cli.Cluster;

/// <summary>Retries the first connection to a cluster a few times, then gives up so the command can say why.</summary>
public sealed class GiveUpRetryFilter : IClientConnectionRetryFilter
{
    private const int Attempts = 5;
    private int _failures;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (++_failures >= Attempts) return false;
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return true;
    }
}
