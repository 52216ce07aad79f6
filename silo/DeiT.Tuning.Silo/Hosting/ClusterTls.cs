using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace DeiT.Tuning.Silo.Hosting;

/// <summary>
/// Mutual TLS for a cluster that shares one certificate: every silo and client presents it, and a peer is accepted
/// only if it presents the same certificate (its thumbprint is pinned), so no CA has to be trusted machine-wide.
/// </summary>
public static class ClusterTls
{
    public static X509Certificate2 Load(string path, string? password, string key = "TlsCertificate")
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw new SiloConfigurationException(key, $"cannot read '{path}' as a PKCS#12 file with its private key ({e.Message}); check the file and TlsCertificatePassword");
        }
    }

    public static void Configure(TlsOptions options, X509Certificate2 certificate)
    {
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, _) =>
            remote is not null && remote.GetCertHashString() == certificate.GetCertHashString();
    }
}
