using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace DeiT.Tuning.Cli.Cluster;

/// <summary>DEIT_TUNE_TlsCertificate (+ DEIT_TUNE_TlsCertificatePassword): talk to a TLS cluster with its shared certificate.</summary>
public static class ClientTls
{
    public static void Apply(IClientBuilder client, IConfiguration configuration)
    {
        if (configuration["TlsCertificate"] is not { Length: > 0 } path) return;
        if (!File.Exists(path))
            throw new CliException($"DEIT_TUNE_TlsCertificate: file '{Path.GetFullPath(path)}' does not exist; give the cluster's PKCS#12 certificate", 3);
        try
        {
            var certificate = ClusterTls.Load(path, configuration["TlsCertificatePassword"]);
            client.UseTls(certificate, o => ClusterTls.Configure(o, certificate));
        }
        catch (SiloConfigurationException e)
        {
            throw new CliException($"DEIT_TUNE_{e.Message["configuration key ".Length..]}", 3);
        }
    }
}
