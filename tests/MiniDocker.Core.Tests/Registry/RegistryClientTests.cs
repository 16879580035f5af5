using System.Net;
using MiniDocker.Images;
using MiniDocker.Registry;

namespace MiniDocker.Tests.Registry;

/// <summary>The client's choices that need no registry: the scheme, the challenge parsing, credentials from the Docker config.</summary>
public sealed class RegistryClientTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed class Recorder : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("""{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}""") });
        }
    }

    [Theory]
    [InlineData("registry.example.com/app", "https://registry.example.com/v2/app/")]
    [InlineData("busybox", "https://registry-1.docker.io/v2/library/busybox/")]
    [InlineData("127.0.0.1:5000/app", "http://127.0.0.1:5000/v2/app/")]
    [InlineData("localhost:5000/app", "http://localhost:5000/v2/app/")]
    [InlineData("[::1]:5000/app", "http://[::1]:5000/v2/app/")]
    [InlineData("insecure.example.com:5000/app", "http://insecure.example.com:5000/v2/app/")]
    public async Task Plain_HTTP_is_used_only_for_loopback_and_registries_marked_insecure(string reference, string expectedPrefix)
    {
        var recorder = new Recorder();
        var options = new RegistryOptions { DockerConfigPath = null, MaxRetries = 0 };
        options.InsecureRegistries.Add("insecure.example.com:5000");
        using var client = new RegistryClient(options, recorder);

        Assert.False(await client.BlobExistsAsync(ImageReference.Parse(reference), MiniDocker.Storage.Digest.Sha256([]), Cancel));

        Assert.StartsWith(expectedPrefix, Assert.Single(recorder.Requests).ToString());
    }

    [Fact]
    public void A_bearer_challenge_is_parsed_with_quoted_values_and_commas_inside_them()
    {
        var challenge = AuthenticationChallenge.Parse("""Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push" """);

        Assert.Equal("Bearer", challenge!.Scheme);
        Assert.Equal("https://auth.example.com/token", challenge.Realm);
        Assert.Equal("registry.example.com", challenge.Parameters["service"]);
        Assert.Equal("repository:a/b:pull,push", challenge.Parameters["scope"]);
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/", "docker.io")]
    [InlineData("registry.example.com:5000", "registry.example.com:5000")]
    [InlineData("http://registry.example.com:5000/", "registry.example.com:5000")]
    public void Credentials_are_found_in_the_docker_config_by_host_or_url(string key, string registry)
    {
        var file = Path.GetTempFileName();
        try
        {
            var auth = Convert.ToBase64String("me:pa:ss"u8.ToArray());
            File.WriteAllText(file, "{\"auths\":{\"" + key + "\":{\"auth\":\"" + auth + "\"},\"other.example.com\":{\"username\":\"x\",\"password\":\"y\"}}}");

            var credentials = DockerConfigCredentials.Find(file, registry);

            Assert.Equal(new RegistryCredentials("me", "pa:ss"), credentials);
            Assert.Null(DockerConfigCredentials.Find(file, "unknown.example.com"));
            Assert.DoesNotContain("pa:ss", credentials!.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
