using System.Text;
using MiniDocker.Images;
using MiniDocker.Storage;

namespace MiniDocker.Tests.Images;

public sealed class ImageDocumentsTests
{
    private static readonly string A = "sha256:" + new string('a', 64);
    private static readonly string B = "sha256:" + new string('b', 64);
    private static readonly string C = "sha256:" + new string('c', 64);

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static string ManifestList(params string[] platforms) => $$"""
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
          "manifests": [
            {{string.Join(",\n", platforms)}}
          ]
        }
        """;

    private static string Entry(string digest, string architecture, string? variant = null) => $$"""
        { "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "digest": "{{digest}}", "size": 528,
          "platform": { "architecture": "{{architecture}}", "os": "linux"{{(variant is null ? "" : $", \"variant\": \"{variant}\"")}} } }
        """;

    [Fact]
    public void The_manifest_for_this_platform_is_chosen_from_a_docker_manifest_list()
    {
        var json = Json(ManifestList(Entry(A, "arm", "v7"), Entry(B, "arm64", "v8"), Entry(C, "amd64")));
        Assert.Equal(MediaTypes.DockerManifestList, ImageDocuments.DetectMediaType(json));

        var index = ImageDocuments.ParseIndex(json);

        Assert.Equal(C, index.SelectManifest(new Platform { Os = "linux", Architecture = "amd64" }).Digest.ToString());
        Assert.Equal(B, index.SelectManifest(new Platform { Os = "linux", Architecture = "arm64" }).Digest.ToString());
        Assert.Equal(A, index.SelectManifest(new Platform { Os = "linux", Architecture = "arm", Variant = "v7" }).Digest.ToString());
        Assert.Equal(528, index.Manifests[2].Size);
    }

    [Fact]
    public void An_index_without_this_platform_says_which_platforms_it_has()
    {
        var index = ImageDocuments.ParseIndex(Json(ManifestList(Entry(A, "arm64", "v8"), Entry(B, "s390x"))));

        var error = Assert.Throws<ImageFormatException>(() => index.SelectManifest(new Platform { Os = "linux", Architecture = "amd64" }));

        Assert.Contains("no manifest for linux/amd64", error.Message);
        Assert.Contains("linux/arm64/v8, linux/s390x", error.Message);
    }

    [Fact]
    public void An_oci_manifest_gives_its_config_and_layers_lowest_first()
    {
        var json = Json($$"""
            {
              "schemaVersion": 2,
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": "{{A}}", "size": 581 },
              "layers": [
                { "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "{{B}}", "size": 2152262 },
                { "mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": "{{C}}", "size": 10240 }
              ],
              "annotations": { "org.opencontainers.image.ref.name": "1.36" }
            }
            """);

        var manifest = ImageDocuments.ParseManifest(json);

        Assert.Equal(MediaTypes.OciManifest, ImageDocuments.DetectMediaType(json));
        Assert.Equal(Digest.Parse(A), manifest.Config.Digest);
        Assert.Equal([B, C], manifest.Layers.Select(l => l.Digest.ToString()));
        Assert.Equal(2152262, manifest.Layers[0].Size);
        Assert.Equal("1.36", manifest.Annotations!["org.opencontainers.image.ref.name"]);
    }

    [Fact]
    public void A_docker_image_configuration_gives_the_defaults_and_diff_ids()
    {
        var config = ImageDocuments.ParseConfig(Json($$"""
            {
              "architecture": "amd64", "os": "linux", "created": "2024-09-26T21:31:42Z",
              "config": {
                "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                "Entrypoint": ["/docker-entrypoint.sh"], "Cmd": ["nginx", "-g", "daemon off;"],
                "User": "101:101", "WorkingDir": "/srv", "StopSignal": "SIGQUIT",
                "ExposedPorts": { "80/tcp": {} }, "Labels": { "maintainer": "someone" }
              },
              "rootfs": { "type": "layers", "diff_ids": ["{{A}}", "{{B}}"] },
              "history": [ { "created_by": "ADD rootfs.tar /" } ]
            }
            """));

        Assert.Equal("amd64", config.Architecture);
        Assert.Equal(new DateTimeOffset(2024, 9, 26, 21, 31, 42, TimeSpan.Zero), config.Created);
        var defaults = config.Config!;
        Assert.Equal(["/docker-entrypoint.sh"], defaults.Entrypoint!);
        Assert.Equal(["nginx", "-g", "daemon off;"], defaults.Cmd!);
        Assert.Equal("101:101", defaults.User);
        Assert.Equal("/srv", defaults.WorkingDir);
        Assert.Equal("SIGQUIT", defaults.StopSignal);
        Assert.Equal(["80/tcp"], defaults.ExposedPorts!.Keys);
        Assert.Equal("someone", defaults.Labels!["maintainer"]);
        Assert.Equal([Digest.Parse(A), Digest.Parse(B)], config.RootFs.DiffIds);
    }

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("{\"schemaVersion\": 2}", "neither an image manifest nor an index")]
    public void Unreadable_documents_get_a_clear_error(string text, string expected)
    {
        var error = Assert.Throws<ImageFormatException>(() => ImageDocuments.DetectMediaType(Json(text)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void The_content_type_decides_when_the_document_does_not_say()
    {
        Assert.Equal(MediaTypes.DockerManifest,
            ImageDocuments.DetectMediaType(Json("{\"schemaVersion\": 2, \"layers\": []}"), MediaTypes.DockerManifest));
    }

    [Theory]
    [InlineData("{\"schemaVersion\": 1, \"name\": \"library/busybox\", \"fsLayers\": []}", "schemaVersion 1")]
    [InlineData("{\"schemaVersion\": 2, \"layers\": []}", "names no config digest")]
    [InlineData("{\"schemaVersion\": 2, \"config\": {\"digest\": \"sha256:../../etc/passwd\"}, \"layers\": []}", "is not a sha256 or sha512 digest")]
    [InlineData("{\"schemaVersion\": 2, \"config\": {\"digest\": \"{A}\"}, \"layers\": [{\"mediaType\": \"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip\", \"digest\": \"{B}\"}]}", "cannot unpack")]
    [InlineData("{\"schemaVersion\": 2, \"config\": {\"digest\": \"{A}\"}, \"layers\": [{\"size\": \"big\"}]}", "is malformed")]
    [InlineData("{\"schemaVersion\": 2, \"config\": {\"digest\": \"{A}\"}, \"layers\": [null]}", "a layer without a digest")]
    [InlineData("{\"schemaVersion\": 2, \"config\": null, \"layers\": []}", "names no config digest")]
    public void Malformed_manifests_say_what_is_wrong(string text, string expected)
    {
        var error = Assert.Throws<ImageFormatException>(() => ImageDocuments.ParseManifest(Json(text.Replace("{A}", A).Replace("{B}", B))));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_configuration_whose_rootfs_is_not_layers_is_refused()
    {
        var error = Assert.Throws<ImageFormatException>(() => ImageDocuments.ParseConfig(Json("{\"os\": \"linux\", \"rootfs\": {\"type\": \"squashfs\"}}")));
        Assert.Contains("rootfs type is 'squashfs'", error.Message);
    }
}
