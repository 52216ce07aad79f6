using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DeiT.Tuning.Abstractions.Devices;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Cluster.Tests.Harness;
using DeiT.Tuning.Silo.Hosting;
using Orleans.Hosting;

namespace DeiT.Tuning.Cluster.Tests;

public sealed class SecurityTests
{
    /// <summary>
    /// One silo that does not allow external commands, and a silo of another cluster id on the same Redis: the
    /// stranger never joins, and the command never runs. Paths that escape their roots are refused.
    /// </summary>
    [Fact]
    public async Task Strangers_do_not_join_commands_need_permission_and_paths_stay_in_their_roots()
    {
        using var redis = new RedisServer();
        await using var cluster = new TuningCluster(redis, "guarded");
        await using var strangers = new TuningCluster(redis, "strangers", serviceId: "another-service");
        var guarded = cluster.AddSilo("AllowExternalCommands", "false");
        var stranger = strangers.AddSilo();
        await TuningCluster.StartAll(guarded, stranger);
        var client = await cluster.Connect();

        var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal([guarded.Address], hosts.Keys.Select(a => a.ToParsableString()));
        var inventory = await client.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).GetInventory();
        Assert.Equal([guarded.Address], inventory.Silos.Keys);

        var marker = Path.Combine(cluster.Folder, "command-ran");
        var study = client.GetGrain<IStudyGrain>("cmd");
        await study.Create(TrainingScript.Spec("cmd", cluster.Folder, trials: 1, parallel: 1, epochs: 1, secondsPerEpoch: 0) with
        {
            Runner = new TrialRunnerSpec { Kind = RunnerKind.Command, Epochs = 1, Command = ["/bin/sh", "-c", $"touch {marker}; echo epoch=1 top1=1"] },
        });
        await study.Run();
        var done = await TuningCluster.WaitSettled(study, TimeSpan.FromMinutes(1));
        var trial = Assert.Single(done.Trials);
        Assert.Equal(TrialStatus.Failed, trial.Status);
        Assert.Contains("does not run external commands", trial.Reason);
        Assert.False(File.Exists(marker), "the silo ran a command it does not allow");

        // A study name is a checkpoint folder: one that climbs out of CheckpointRoot is refused before anything is stored.
        var escape = await Assert.ThrowsAnyAsync<Exception>(() => client.GetGrain<IStudyGrain>("../escape").Create(
            TrainingScript.Spec("../escape", cluster.Folder, 1, 1, 1, 0)));
        Assert.Contains("is not allowed", escape.Message);
        Assert.False(Directory.Exists(Path.Combine(cluster.Folder, "escape")));

        // A dataset outside the silo's DataRoot is refused by the silo that would read it.
        var data = client.GetGrain<IStudyGrain>("data");
        await data.Create(new StudySpec
        {
            Name = "data",
            Space = """{"parameters": {"lr": {"type": "float", "low": 0.0001, "high": 0.001, "log": true}}}""",
            Sampler = "random",
            Trials = 1,
            Runner = new TrialRunnerSpec { Kind = RunnerKind.Deit, Epochs = 1, Dataset = new DatasetSettings { Kind = "fashion-mnist", Root = "../../../../etc" } },
        });
        await data.Run();
        var refused = Assert.Single((await TuningCluster.WaitSettled(data, TimeSpan.FromMinutes(1))).Trials);
        Assert.Equal(TrialStatus.Failed, refused.Status);
        Assert.Contains("outside this silo's DataRoot", refused.Reason);
    }

    /// <summary>Two silos and a client that share a certificate talk TLS; a client without it cannot connect.</summary>
    [Fact]
    public async Task Tls_cluster_accepts_clients_with_its_certificate_only()
    {
        using var redis = new RedisServer();
        await using var cluster = new TuningCluster(redis, "tls");
        var pfx = Path.Combine(cluster.Folder, "cluster.pfx");
        await File.WriteAllBytesAsync(pfx, TestCertificate("deit-cluster-test").Export(X509ContentType.Pkcs12, "secret"));
        var silos = new[] { cluster.AddSilo("TlsCertificate", pfx, "TlsCertificatePassword", "secret"), cluster.AddSilo("TlsCertificate", pfx, "TlsCertificatePassword", "secret") };
        await TuningCluster.StartAll(silos);

        var certificate = ClusterTls.Load(pfx, "secret");
        var client = await cluster.Connect(c => c.UseTls(certificate, o => ClusterTls.Configure(o, certificate)));
        var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count); // the silos joined each other over TLS

        var study = client.GetGrain<IStudyGrain>("tls");
        await study.Create(TrainingScript.Spec("tls", cluster.Folder, trials: 4, parallel: 4, epochs: 2, secondsPerEpoch: 0.2));
        await study.Run();
        var done = await TuningCluster.WaitSettled(study, TimeSpan.FromMinutes(1));
        Assert.All(done.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Equal(2, done.Leases.Select(l => l.Silo).Distinct().Count());

        // Without the certificate the handshake fails: the client never gets a gateway (bounded here, it retries forever).
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var plain = await cluster.Connect().WaitAsync(TimeSpan.FromSeconds(15));
            await plain.GetGrain<IStudyGrain>("tls").GetSnapshot().WaitAsync(TimeSpan.FromSeconds(10));
        });
    }

    private static X509Certificate2 TestCertificate(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client auth
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
