using MiniDocker.Images;
using MiniDocker.Storage;

namespace MiniDocker.Tests.Images;

public sealed class ImageReferenceTests
{
    private const string EmptySha = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Theory]
    [InlineData("busybox", "docker.io", "library/busybox", "latest")]
    [InlineData("busybox:1.36", "docker.io", "library/busybox", "1.36")]
    [InlineData("team/app", "docker.io", "team/app", "latest")]
    [InlineData("index.docker.io/busybox", "docker.io", "library/busybox", "latest")]
    [InlineData("docker.io/busybox:musl", "docker.io", "library/busybox", "musl")]
    [InlineData("127.0.0.1:5000/test/busybox:v1", "127.0.0.1:5000", "test/busybox", "v1")]
    [InlineData("localhost/app", "localhost", "app", "latest")]
    [InlineData("quay.io/podman/hello", "quay.io", "podman/hello", "latest")]
    [InlineData("registry.example.com:443/a/b/c:1.0_rc-2", "registry.example.com:443", "a/b/c", "1.0_rc-2")]
    public void References_are_normalised_as_docker_does(string text, string registry, string repository, string tag)
    {
        var reference = ImageReference.Parse(text);
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Null(reference.Digest);
        Assert.Equal($"{registry}/{repository}:{tag}", reference.ToString());
        Assert.Equal(reference, ImageReference.Parse(reference.ToString()));
    }

    [Fact]
    public void A_digest_pins_the_manifest_and_implies_no_tag()
    {
        var reference = ImageReference.Parse($"127.0.0.1:5000/test/busybox@{EmptySha}");
        Assert.Null(reference.Tag);
        Assert.Equal(Digest.Parse(EmptySha), reference.Digest);
        Assert.Equal(EmptySha, reference.ManifestReference);

        var both = ImageReference.Parse($"busybox:1.36@{EmptySha}");
        Assert.Equal("1.36", both.Tag);
        Assert.Equal(EmptySha, both.ManifestReference);
        Assert.Equal($"docker.io/library/busybox:1.36@{EmptySha}", both.ToString());
    }

    [Fact]
    public void Docker_hub_is_reached_through_its_api_host()
    {
        Assert.Equal("registry-1.docker.io", ImageReference.Parse("busybox").RegistryEndpoint);
        Assert.Equal("127.0.0.1:5000", ImageReference.Parse("127.0.0.1:5000/x").RegistryEndpoint);
    }

    [Fact]
    public void Retagging_keeps_the_repository()
    {
        var reference = ImageReference.Parse("127.0.0.1:5000/test/busybox:v1");
        Assert.Equal("127.0.0.1:5000/test/busybox:v2", reference.WithTag("v2").ToString());
        Assert.Equal($"127.0.0.1:5000/test/busybox@{EmptySha}", reference.WithDigest(Digest.Parse(EmptySha)).ToString());
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("BusyBox", "must be lowercase")]
    [InlineData("busybox:", "the tag ''")]
    [InlineData("busybox:-bad", "the tag '-bad'")]
    [InlineData("busybox@sha256:abc", "after '@' is not a sha256 or sha512 digest")]
    [InlineData("team//app", "'' in 'team//app'")]
    [InlineData("team/app-", "'app-' in 'team/app-'")]
    [InlineData("bad_host.example.com/app", "is not a registry host name")]
    [InlineData("team/../etc", "'..' in 'team/../etc'")]
    public void Invalid_references_say_which_part_is_wrong(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ImageReference.Parse(text));
        Assert.Contains(expected, error.Message);
        Assert.Contains("[registry/]repository[:tag]", error.Message);
        Assert.Null(ImageReference.TryParse(text));
    }

    [Fact]
    public void Names_longer_than_255_characters_are_refused()
    {
        var error = Assert.Throws<FormatException>(() => ImageReference.Parse("team/" + new string('a', 260)));
        Assert.Contains("longer than 255", error.Message);
    }
}
