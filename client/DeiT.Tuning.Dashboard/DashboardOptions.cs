using System.Net;

namespace DeiT.Tuning.Dashboard;

/// <summary>Where the dashboard listens and the token it asks for (required when it listens beyond loopback).</summary>
public sealed record DashboardOptions
{
    public IPAddress Bind { get; init; } = IPAddress.Loopback;
    /// <summary>0: a free port (tests).</summary>
    public int Port { get; init; } = 8080;
    public string? Token { get; init; }
    /// <summary>How often a live page's server side looks for changes in its study.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>The silos' CheckpointRoot where this machine has it (an embedded silo's, a silo's own, a shared mount);
    /// a trial's log that is not there is read from the silo that ran the trial.</summary>
    public string? CheckpointRoot { get; init; }

    public bool IsLoopbackOnly => IPAddress.IsLoopback(Bind);

    /// <summary>Throws, naming the setting, when the dashboard would be open to the network without a token.</summary>
    public void Validate(string tokenSetting)
    {
        if (!IsLoopbackOnly && string.IsNullOrEmpty(Token))
            throw new DashboardConfigurationException(
                $"the dashboard would listen on {Bind}, beyond loopback, without a token: give {tokenSetting} (a long random secret), or bind 127.0.0.1");
        if (Token is { Length: > 0 and < 16 })
            throw new DashboardConfigurationException($"{tokenSetting} is {Token.Length} characters: use at least 16 (e.g. `openssl rand -hex 16`)");
    }
}

public sealed class DashboardConfigurationException(string message) : Exception(message);
