namespace DeiT.Tuning.Cluster.Tests.Harness;

/// <summary>Client calls while silos die: a call through a killed gateway fails, the next one goes elsewhere.</summary>
public static class Calls
{
    public static async Task<T> Retry<T>(Func<Task<T>> call, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                return await call();
            }
            // A request through a gateway that just died is cancelled rather than failed.
            catch (Exception e) when (e is OrleansException or TimeoutException or OperationCanceledException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }
}
