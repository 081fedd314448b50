using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Borealis.MySql;

/// <summary>The server's TLS certificate: self-signed, generated once and kept with the data.</summary>
public static class TlsCertificates
{
    /// <summary>The certificate file (PEM) inside the directory.</summary>
    public const string CertificateFileName = "server-cert.pem";

    /// <summary>The private key file (PEM, PKCS#8, mode 0600) inside the directory.</summary>
    public const string KeyFileName = "server-key.pem";

    /// <summary>
    /// Loads the certificate kept in <paramref name="directory"/>, or creates one there (RSA 2048, CN=Borealis,
    /// SAN 127.0.0.1 and localhost, valid 10 years) on first use.
    /// </summary>
    public static X509Certificate2 LoadOrCreate(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        var certificatePath = Path.Combine(directory, CertificateFileName);
        var keyPath = Path.Combine(directory, KeyFileName);
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
            Create(certificatePath, keyPath);
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        // SslStream wants a key it can use from a persisted store on some platforms; a PKCS#12 round trip gives one.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    static void Create(string certificatePath, string keyPath)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Borealis", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));

        WriteSecret(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem() + "\n");
    }

    static void WriteSecret(string path, string contents)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(contents);
        writer.Write('\n');
    }
}
