using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace MiniDocker.Tests.Infrastructure;

/// <summary>
/// A token service for the registry's bearer authentication, as Docker Hub's auth.docker.io is:
/// it checks Basic credentials and answers with an ES256 JWT whose x5c header carries the
/// certificate the registry trusts (its rootcertbundle), granting the scope asked for.
/// </summary>
public sealed class TokenServer : IDisposable
{
    public const string Service = "minidocker-test-registry";
    public const string Issuer = "minidocker-test-issuer";

    private readonly HttpListener _listener;
    private readonly ECDsa _key;
    private readonly X509Certificate2 _certificate;
    private readonly string _user, _password;

    private TokenServer(HttpListener listener, ECDsa key, X509Certificate2 certificate, string certificatePath, string realm, string user, string password)
    {
        _listener = listener;
        _key = key;
        _certificate = certificate;
        CertificatePath = certificatePath;
        Realm = realm;
        _user = user;
        _password = password;
        _ = LoopbackHttpListener.ServeAsync(listener, AnswerAsync);
    }

    public string CertificatePath { get; }

    public string Realm { get; }

    private int _issued;

    /// <summary>How many tokens were handed out.</summary>
    public int Issued => Volatile.Read(ref _issued);

    public static TokenServer Start(string directory, string user, string password)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=minidocker test token signer", key, HashAlgorithmName.SHA256);
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(directory, "token-signer.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        var (listener, port) = LoopbackHttpListener.Start();
        return new TokenServer(listener, key, certificate, path, $"http://127.0.0.1:{port}/token", user, password);
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_user}:{_password}"));
        if (context.Request.Headers["Authorization"] != expected)
        {
            context.Response.StatusCode = 401;
            context.Response.Close();
            return;
        }
        var scopes = context.Request.QueryString.GetValues("scope") ?? [];
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["token"] = Token(scopes) });
        Interlocked.Increment(ref _issued);
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
    }

    private string Token(IEnumerable<string> scopes)
    {
        var header = new Dictionary<string, object> { ["typ"] = "JWT", ["alg"] = "ES256", ["x5c"] = new[] { Convert.ToBase64String(_certificate.RawData) } };
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var access = scopes.Select(s => s.Split(':')).Where(p => p.Length == 3)
            .Select(p => new Dictionary<string, object> { ["type"] = p[0], ["name"] = p[1], ["actions"] = p[2].Split(',') }).ToArray();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer, ["sub"] = _user, ["aud"] = Service, ["exp"] = now + 600, ["nbf"] = now - 60, ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"), ["access"] = access,
        };
        var signed = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        return signed + "." + Base64Url(_key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        LoopbackHttpListener.Close(_listener);
        _certificate.Dispose();
        _key.Dispose();
    }
}
