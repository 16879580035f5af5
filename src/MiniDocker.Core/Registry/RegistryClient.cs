using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MiniDocker.Images;
using MiniDocker.Storage;

namespace MiniDocker.Registry;

/// <summary>
/// A client for the OCI distribution protocol: manifests and blobs, pulled and pushed, with
/// anonymous, basic and bearer-token authentication (the token fetched from the realm the
/// registry's challenge names), and retries of what fails for transient reasons. Plain HTTP is
/// used only for loopback registries and those in <see cref="RegistryOptions.InsecureRegistries"/>.
/// </summary>
public sealed partial class RegistryClient : IDisposable
{
    private static readonly string ManifestAccept = string.Join(", ", MediaTypes.OciIndex, MediaTypes.OciManifest, MediaTypes.DockerManifestList, MediaTypes.DockerManifest);
    private const long MaxManifestBytes = 4 << 20;

    private readonly HttpClient _http;
    private readonly ILogger<RegistryClient> _logger;
    private readonly ConcurrentDictionary<string, string> _authorizations = new(StringComparer.Ordinal);

    /// <summary>Creates a client.</summary>
    public RegistryClient(RegistryOptions? options = null, ILogger<RegistryClient>? logger = null)
        : this(options, new SocketsHttpHandler { AllowAutoRedirect = true, PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(30) }, logger)
    {
    }

    internal RegistryClient(RegistryOptions? options, HttpMessageHandler handler, ILogger<RegistryClient>? logger = null)
    {
        Options = options ?? new RegistryOptions();
        _logger = logger ?? NullLogger<RegistryClient>.Instance;
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("MiniDocker", typeof(RegistryClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
    }

    /// <summary>The client's settings.</summary>
    public RegistryOptions Options { get; }

    /// <summary>Fetches a manifest or index by tag or digest; one fetched by digest is checked against it.</summary>
    /// <exception cref="RegistryException">The registry has no such image, or refused.</exception>
    /// <exception cref="BlobIntegrityException">The registry served a document that does not hash to the digest asked for.</exception>
    public async Task<ManifestResponse> GetManifestAsync(ImageReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        using var response = await SendAsync(reference, "pull", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Url(reference, $"manifests/{reference.ManifestReference}"));
            request.Headers.TryAddWithoutValidation("Accept", ManifestAccept);
            return request;
        }, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, reference, $"the manifest of {reference}", cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > MaxManifestBytes)
            throw new RegistryException($"The registry {reference.Registry} sent a manifest of {response.Content.Headers.ContentLength} bytes for {reference}; manifests are small documents, so it was refused.");
        var content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var digest = Digest.Sha256(content);
        if (reference.Digest is { } expected && expected != digest)
            throw new BlobIntegrityException($"The registry {reference.Registry} served a manifest for {reference} that hashes to {digest}. It was not used; the registry or something between serves corrupted or different data.") { Expected = expected };
        var mediaType = ImageDocuments.DetectMediaType(content, response.Content.Headers.ContentType?.MediaType);
        return new ManifestResponse(content, mediaType, digest);
    }

    /// <summary>Whether the repository has the blob (a HEAD request).</summary>
    public async Task<bool> BlobExistsAsync(ImageReference repository, Digest digest, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(repository, "pull", () => new HttpRequestMessage(HttpMethod.Head, Url(repository, $"blobs/{digest}")), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureSuccessAsync(response, repository, $"blob {digest}", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Opens a blob from <paramref name="offset"/> on; the answer is 206 when the registry honoured the range.</summary>
    internal async Task<HttpResponseMessage> OpenBlobAsync(ImageReference repository, Digest digest, long offset, CancellationToken cancellationToken)
    {
        var response = await SendAsync(repository, "pull", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Url(repository, $"blobs/{digest}"));
            if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
            return request;
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureSuccessAsync(response, repository, $"blob {digest}", cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    internal Uri Url(ImageReference reference, string path) => new($"{BaseUri(reference)}/v2/{reference.Repository}/{path}");

    private string BaseUri(ImageReference reference) => $"{(IsInsecure(reference.Registry) ? "http" : "https")}://{reference.RegistryEndpoint}";

    /// <summary>Loopback registries speak plain HTTP, as Docker lets them; others only when the caller says so.</summary>
    private bool IsInsecure(string registry)
    {
        if (Options.InsecureRegistries.Contains(registry, StringComparer.OrdinalIgnoreCase)) return true;
        var host = registry.StartsWith('[') ? registry[1..registry.IndexOf(']')] : registry.Split(':')[0];
        return host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>
    /// Sends a request made by <paramref name="create"/> (again for each attempt), answering
    /// authentication challenges and retrying transient failures.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(ImageReference repository, string actions, Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        var scope = $"repository:{repository.Repository}:{actions}";
        bool authenticated = false;
        for (int attempt = 0; ; attempt++)
        {
            using var request = create();
            if (_authorizations.TryGetValue(AuthorizationKey(repository, scope), out var authorization) || _authorizations.TryGetValue(repository.Registry, out authorization))
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            HttpResponseMessage response;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.RequestTimeout);
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (attempt >= Options.MaxRetries)
                    throw new RegistryException($"The registry {repository.Registry} could not be reached for {request.Method} {request.RequestUri?.AbsolutePath} after {attempt + 1} attempts: {e.Message}", e);
                RegistryLog.Retrying(_logger, request.Method.Method, request.RequestUri!, e.Message);
                await Task.Delay(Options.RetryDelay * Math.Pow(2, attempt), cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized && !authenticated)
            {
                var challenge = AuthenticationChallenge.Parse(response.Headers.WwwAuthenticate.ToString());
                response.Dispose();
                await AuthenticateAsync(repository, scope, challenge, cancellationToken).ConfigureAwait(false);
                authenticated = true;
                attempt--;
                continue;
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                response.Dispose();
                var who = Credentials(repository.Registry) is { } c ? $"the credentials of {c.Username}" : "anonymous access";
                throw new RegistryAuthenticationException($"The registry {repository.Registry} refused {who} for {repository.Repository} ({actions}). Check the user name and password, or that the account may {actions} this repository.") { StatusCode = HttpStatusCode.Unauthorized };
            }
            if (IsTransient(response.StatusCode) && attempt < Options.MaxRetries)
            {
                RegistryLog.Retrying(_logger, request.Method.Method, request.RequestUri!, $"HTTP {(int)response.StatusCode}");
                response.Dispose();
                await Task.Delay(Options.RetryDelay * Math.Pow(2, attempt), cancellationToken).ConfigureAwait(false);
                continue;
            }
            return response;
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || ((int)status >= 500 && status != HttpStatusCode.NotImplemented);

    private static string AuthorizationKey(ImageReference repository, string scope) => $"{repository.Registry} {scope}";

    private RegistryCredentials? Credentials(string registry) =>
        Options.Credentials.TryGetValue(registry, out var given) ? given : DockerConfigCredentials.Find(Options.DockerConfigPath, registry);

    private async Task AuthenticateAsync(ImageReference repository, string scope, AuthenticationChallenge? challenge, CancellationToken cancellationToken)
    {
        var credentials = Credentials(repository.Registry);
        if (challenge is null)
            throw new RegistryAuthenticationException($"The registry {repository.Registry} answered 401 without saying how to authenticate (no WWW-Authenticate header).") { StatusCode = HttpStatusCode.Unauthorized };
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            if (credentials is null)
                throw new RegistryAuthenticationException($"The registry {repository.Registry} wants a user name and password (Basic). Give them in RegistryOptions.Credentials, or log in with 'docker login {repository.Registry}'.") { StatusCode = HttpStatusCode.Unauthorized };
            _authorizations[repository.Registry] = "Basic " + Basic(credentials);
            return;
        }
        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || challenge.Realm is null)
            throw new RegistryAuthenticationException($"The registry {repository.Registry} asks for authentication of a kind this client does not speak ({challenge.Scheme}).") { StatusCode = HttpStatusCode.Unauthorized };
        _authorizations[AuthorizationKey(repository, scope)] = "Bearer " + await FetchTokenAsync(repository, scope, challenge, credentials, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> FetchTokenAsync(ImageReference repository, string scope, AuthenticationChallenge challenge, RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        var query = new StringBuilder();
        if (challenge.Parameters.TryGetValue("service", out var service)) query.Append("service=").Append(Uri.EscapeDataString(service));
        // The challenge's scope is what the registry wanted for this request; ours adds push when pushing.
        foreach (var s in new[] { scope, challenge.Parameters.GetValueOrDefault("scope") }.Where(s => s is not null).Distinct())
            query.Append(query.Length > 0 ? "&" : "").Append("scope=").Append(Uri.EscapeDataString(s!));
        var url = challenge.Realm + (challenge.Realm!.Contains('?') ? "&" : "?") + query;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (credentials is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Basic(credentials));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new RegistryAuthenticationException($"The token service {challenge.Realm} of registry {repository.Registry} could not be reached: {e.Message}");
        }
        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                throw new RegistryAuthenticationException($"The token service {challenge.Realm} refused {(credentials is null ? "anonymous access" : $"the credentials of {credentials.Username}")} for {repository.Repository}. Check the user name and password.") { StatusCode = response.StatusCode };
            if (!response.IsSuccessStatusCode)
                throw new RegistryAuthenticationException($"The token service {challenge.Realm} answered {(int)response.StatusCode} {response.ReasonPhrase}.") { StatusCode = response.StatusCode };
            using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
            foreach (var name in new[] { "token", "access_token" })
                if (json.RootElement.TryGetProperty(name, out var token) && token.GetString() is { Length: > 0 } value) return value;
            throw new RegistryAuthenticationException($"The token service {challenge.Realm} answered without a token.");
        }
    }

    private static string Basic(RegistryCredentials credentials) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}"));

    /// <summary>Turns a failed answer into an exception that says what was asked and what the registry said.</summary>
    internal static async Task EnsureSuccessAsync(HttpResponseMessage response, ImageReference reference, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var codes = new List<string>();
        var messages = new List<string>();
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                foreach (var error in errors.EnumerateArray())
                {
                    var code = error.TryGetProperty("code", out var c) ? c.GetString() ?? "" : "";
                    codes.Add(code);
                    messages.Add($"{code}: {(error.TryGetProperty("message", out var m) ? m.GetString() : "")}");
                }
            }
        }
        catch (JsonException)
        {
        }
        var said = messages.Count > 0 ? string.Join("; ", messages) : body.Length > 200 ? body[..200] : body;
        var hint = response.StatusCode == HttpStatusCode.NotFound ? " Check the name and the tag." : "";
        throw new RegistryException($"The registry {reference.Registry} answered {(int)response.StatusCode} {response.ReasonPhrase} for {what}: {said}.{hint}")
        {
            StatusCode = response.StatusCode,
            ErrorCodes = codes,
        };
    }

    /// <summary>Closes the connections.</summary>
    public void Dispose() => _http.Dispose();
}
