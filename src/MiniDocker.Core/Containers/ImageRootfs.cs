using MiniDocker.Images;
using MiniDocker.Interop;
using MiniDocker.Layers;

namespace MiniDocker.Containers;

/// <summary>
/// A container's root filesystem made from an image, in its state directory: <c>rootfs/</c>
/// (where it appears), and with overlayfs <c>upper/</c> (what the container changed) and
/// <c>work/</c>; with copies, <c>rootfs/</c> holds the unpacked layers themselves.
/// </summary>
internal sealed class ImageRootfs
{
    private ImageRootfs(Image image, string stateDirectory, bool overlay)
    {
        Image = image;
        Overlay = overlay;
        Path = System.IO.Path.Combine(stateDirectory, "rootfs");
        Upper = System.IO.Path.Combine(stateDirectory, "upper");
        Work = System.IO.Path.Combine(stateDirectory, "work");
    }

    public Image Image { get; }

    public bool Overlay { get; }

    public string Path { get; }

    public string Upper { get; }

    public string Work { get; }

    /// <summary>Chooses the driver; nothing is created yet.</summary>
    /// <remarks>
    /// A container with a user namespace gets a copy: the kernel refuses to idmap an overlay mount,
    /// and an overlay over idmapped layers must be mounted from inside the user namespace (overlayfs
    /// does its work with the mounter's credentials, which the idmapping cannot map from outside).
    /// The copy is idmapped like any rootfs directory.
    /// </remarks>
    /// <exception cref="ContainerConfigurationException">overlayfs was asked for and this kernel lacks it.</exception>
    public static ImageRootfs Plan(Image image, string stateDirectory, StorageDriver driver, bool userNamespace)
    {
        if (driver == StorageDriver.Overlay && !OverlayMount.IsAvailable)
            throw new ContainerConfigurationException("MiniDockerOptions.StorageDriver is Overlay, but this kernel has no overlayfs (or refuses fsopen); load the overlay module or use StorageDriver.Auto.");
        return new ImageRootfs(image, stateDirectory, driver != StorageDriver.Copy && OverlayMount.IsAvailable && !userNamespace);
    }

    /// <summary>Creates the directories; with copies, unpacks every layer into <see cref="Path"/>.</summary>
    /// <exception cref="ImageNotFoundException">The image's layers were removed from the store since it was looked up.</exception>
    public async Task CreateAsync(ImageStore store, string stateDirectory, CancellationToken cancellationToken)
    {
        var chain = Image.ChainIds;
        if (chain.Any(c => !store.Layers.Contains(c)))
            throw new ImageNotFoundException($"{Image.Id} (its layers were removed from the store; pull it again)");
        await File.WriteAllTextAsync(System.IO.Path.Combine(stateDirectory, ImageStore.ImageFileName), Image.ManifestDigest.ToString(), cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(Path);
        if (Overlay)
        {
            Directory.CreateDirectory(Upper);
            Directory.CreateDirectory(Work);
            return;
        }
        var unpacker = new LayerUnpacker(new LayerUnpackOptions { Whiteouts = WhiteoutMode.Apply });
        foreach (var layer in Image.Manifest.Layers)
        {
            await Task.Run(() =>
            {
                using var blob = store.Blobs.OpenRead(layer.Digest);
                using var tar = LayerCompression.OpenTar(blob);
                unpacker.Unpack(tar, Path, cancellationToken);
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The overlay as a detached mount, for stage-0 to move into the container's mount namespace.</summary>
    public SafeFd MountOverlay() => OverlayMount.Create(Image.LayerDirectories, Upper, Work);
}
