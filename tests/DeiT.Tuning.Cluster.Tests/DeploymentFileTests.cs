using System.Text.RegularExpressions;
using DeiT.Tuning.Cluster.Tests.Harness;
using DeiT.Tuning.Silo.Hosting;

namespace DeiT.Tuning.Cluster.Tests;

/// <summary>
/// Compose, Kubernetes and systemd cannot run here; what can be checked is that every silo setting they pass
/// (DEIT_TUNE_Key) is a key the silo reads, so a typo cannot silently fall back to a default.
/// </summary>
public sealed partial class DeploymentFileTests
{
    public static TheoryData<string> Files =>
    [
        "deploy/systemd/silo.env", "deploy/compose/compose.yaml", "deploy/kubernetes/silo.yaml",
    ];

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_silo_setting_in_a_deployment_file_is_a_known_key(string file)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, file));
        var keys = SettingName().Matches(text).Select(m => m.Groups[1].Value)
            .Where(k => k != "CLUSTER") // the CLI's variable naming the cluster, not a silo key
            .Distinct().ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Contains(key, SiloSettings.Keys));
    }

    [Fact]
    public void Postgres_scripts_define_every_query_the_providers_load()
    {
        var sql = string.Concat(Directory.GetFiles(RepoPaths.PostgresScripts, "*.sql").Select(File.ReadAllText));
        string[] keys =
        [
            "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
            "MembershipReadRowKey", "MembershipReadAllKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey",
            "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
            "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
        ];
        Assert.All(keys, key => Assert.Contains($"('{key}'", sql));
    }

    [GeneratedRegex(@"DEIT_TUNE_([A-Za-z]+)\b")]
    private static partial Regex SettingName();
}
