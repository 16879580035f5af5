using MiniDocker.Containers;
using MiniDocker.Layers;

namespace MiniDocker.Images;

/// <summary>Images made from containers.</summary>
public sealed partial class ImageStore
{
    // Files the engine mounts over; the container's own content there is not its to commit.
    private static readonly HashSet<string> EngineMountTargets = new(StringComparer.Ordinal) { "etc/hosts", "etc/resolv.conf", "etc/hostname" };

    /// <summary>
    /// Turns what a container changed into a new layer on top of its image, and that into a new
    /// image, as <c>docker commit</c> does: files it added or changed, whiteouts for what it
    /// deleted. A running container is frozen while its changes are read, unless told otherwise.
    /// </summary>
    /// <param name="container">A container started from an image on overlayfs (running or exited, not removed).</param>
    /// <param name="reference">The new image's name, or null for an untagged image.</param>
    /// <param name="options">Author, comment and new defaults.</param>
    /// <param name="cancellationToken">Cancels the commit; nothing is kept.</param>
    /// <exception cref="InvalidOperationException">The container has no image on overlayfs, or was removed.</exception>
    public async Task<Image> CommitAsync(Container container, string? reference = null, CommitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        options ??= new CommitOptions();
        var name = ParseName(reference);
        var baseImage = container.Definition.Image
            ?? throw new InvalidOperationException($"Container {container.Name} was not started from an image, so it has no layer to commit.");
        var upper = Path.Combine(container.StateDirectory, "upper");
        if (container.Status == ContainerStatus.Removed || !Directory.Exists(upper))
            throw new InvalidOperationException($"Container {container.Name} has no upper directory to commit: it was removed, or its root filesystem is a copy (StorageDriver.Copy, or a user namespace). Commit needs overlayfs.");

        using var hold = await HoldAgainstCollectionAsync(cancellationToken).ConfigureAwait(false);
        var changes = BeginChanges();
        try
        {
            var (diffId, layer) = await StoreNewLayerAsync(async (tar, ct) =>
            {
                bool pause = options.Pause && container.Status == ContainerStatus.Running;
                if (pause) await container.PauseAsync(ct).ConfigureAwait(false);
                try
                {
                    await Task.Run(() => UpperLayerWriter.Write(upper, tar, EngineMountTargets), ct).ConfigureAwait(false);
                }
                finally
                {
                    if (pause) await container.ResumeAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }, changes, cancellationToken).ConfigureAwait(false);
            var now = DateTimeOffset.UtcNow;
            var config = baseImage.Config with
            {
                Created = now,
                Author = options.Author ?? baseImage.Config.Author,
                Config = options.Config ?? baseImage.Config.Config,
                RootFs = new ImageRootFs { Type = "layers", DiffIds = [.. baseImage.Config.RootFs.DiffIds, diffId] },
                History = [.. baseImage.Config.History ?? [], new ImageHistory { Created = now, CreatedBy = $"minidocker commit {container.Id[..12]}", Comment = options.Comment }],
            };
            // Docker's layer type and OCI's tar+gzip are the same bytes; an OCI manifest names them the OCI way.
            var layers = baseImage.Manifest.Layers.Select(l => l.MediaType == MediaTypes.DockerLayerTarGzip ? l with { MediaType = MediaTypes.OciLayerTarGzip } : l).Append(layer).ToList();
            return await AddNewImageAsync(config, layers, name, changes, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            changes.Undo();
            throw;
        }
    }
}
