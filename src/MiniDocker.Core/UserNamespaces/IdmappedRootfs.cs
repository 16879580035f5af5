using System.Text;
using MiniDocker.Interop;

namespace MiniDocker.UserNamespaces;

/// <summary>
/// Clones a container's rootfs in the host and, where the filesystem supports it, idmaps the
/// clone to the container's user namespace: image files owned by host root then belong to the
/// container's root, with nothing chowned on disk. Mapping a mount needs CAP_SYS_ADMIN over the
/// host's user namespace, which the container's root lacks, so the host does it and passes the
/// tree to stage-0. Where idmapping is refused (filesystems without support, older kernels),
/// the plain clone is passed: host-owned files then show as the overflow uid (65534).
/// </summary>
internal static unsafe class IdmappedRootfs
{
    private const long SYS_open_tree = 428, SYS_mount_setattr = 442;
    private const uint OPEN_TREE_CLONE = 1, OPEN_TREE_CLOEXEC = 0x80000, AT_RECURSIVE = 0x8000, AT_EMPTY_PATH = 0x1000;
    private const ulong MOUNT_ATTR_IDMAP = 0x00100000;
    private const int AT_FDCWD = -100;

    /// <returns>The tree, and whether it is idmapped.</returns>
    public static (SafeFd Tree, bool Idmapped) Create(string rootfs, int childPid, bool idmap)
    {
        var path = Encoding.UTF8.GetBytes(rootfs + "\0");
        int tree;
        fixed (byte* p = path)
            tree = (int)Libc.Syscall6(SYS_open_tree, AT_FDCWD, (nint)p, (nint)(OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE), 0, 0);
        var handle = SafeFd.FromResult(tree, $"open_tree(\"{rootfs}\", OPEN_TREE_CLONE|AT_RECURSIVE)");
        return idmap ? (handle, TryIdmap(handle, childPid)) : (handle, false);
    }

    /// <summary>Idmaps a detached tree (a clone, or an image's overlay) to the child's user namespace, where the filesystem allows.</summary>
    public static bool TryIdmap(SafeFd tree, int childPid)
    {
        using var userns = OpenUserNamespace(childPid);
        // struct mount_attr { u64 attr_set, attr_clr, propagation, userns_fd; }
        var attr = stackalloc ulong[4] { MOUNT_ATTR_IDMAP, 0, 0, (ulong)userns.Fd };
        var empty = stackalloc byte[1] { 0 };
        return Libc.Syscall6(SYS_mount_setattr, tree.Fd, (nint)empty, (nint)(AT_EMPTY_PATH | AT_RECURSIVE), (nint)attr, 32) == 0;
    }

    private static SafeFd OpenUserNamespace(int pid)
    {
        var path = Encoding.UTF8.GetBytes($"/proc/{pid}/ns/user\0");
        fixed (byte* p = path)
            return SafeFd.FromResult(Libc.Open(p, Tmds.Linux.LibC.O_RDONLY | Tmds.Linux.LibC.O_CLOEXEC, 0), $"open(/proc/{pid}/ns/user)");
    }
}
