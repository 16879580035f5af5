using System.Formats.Tar;

namespace MiniDocker.Images;

/// <summary>Images made from a directory, as <c>docker import</c> makes them from a tarball.</summary>
public sealed partial class ImageStore
{
    /// <summary>
    /// Makes a one-layer image of a directory's files (the root filesystem of the image), with
    /// <paramref name="config"/> as its containers' defaults.
    /// </summary>
    /// <param name="directory">The root filesystem to package.</param>
    /// <param name="reference">The image's name.</param>
    /// <param name="config">Entrypoint, command, environment...; a shell with the default PATH when null.</param>
    /// <param name="cancellationToken">Cancels the import; nothing is kept.</param>
    public async Task<Image> ImportFilesystemAsync(string directory, string reference, ImageRuntimeConfig? config = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"The directory {directory} to import does not exist.");
        var name = ParseName(reference);
        using var hold = await HoldAgainstCollectionAsync(cancellationToken).ConfigureAwait(false);
        var changes = BeginChanges();
        try
        {
            var (diffId, layer) = await StoreNewLayerAsync(
                (tar, ct) => TarFile.CreateFromDirectoryAsync(directory, tar, includeBaseDirectory: false, ct), changes, cancellationToken).ConfigureAwait(false);
            var now = DateTimeOffset.UtcNow;
            var imageConfig = new ImageConfig
            {
                Architecture = Platform.Current.Architecture,
                Os = Platform.Current.Os,
                Variant = Platform.Current.Variant,
                Created = now,
                Config = config ?? new ImageRuntimeConfig { Env = ["PATH=" + Containers.ContainerBuilder.DefaultPath], Cmd = ["/bin/sh"] },
                RootFs = new ImageRootFs { Type = "layers", DiffIds = [diffId] },
                History = [new ImageHistory { Created = now, CreatedBy = $"minidocker import {directory}" }],
            };
            return await AddNewImageAsync(imageConfig, [layer], name, changes, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            changes.Undo();
            throw;
        }
    }
}
