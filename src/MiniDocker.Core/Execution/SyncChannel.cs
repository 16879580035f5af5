using MiniDocker.Interop;
using Tmds.Linux;

namespace MiniDocker.Execution;

/// <summary>
/// The host's end of the socket shared with stage-0: receives {type, a, b} records (and a
/// terminal fd passed with SCM_RIGHTS), sends "go". EOF means the program was executed.
/// </summary>
internal sealed class SyncChannel : IDisposable
{
    public const int RecordSize = 12;

    private readonly SafeFd _socket;
    private readonly byte[] _pending = new byte[RecordSize];
    private int _pendingLength;
    private SafeFd? _passedFd;

    private SyncChannel(SafeFd socket) => _socket = socket;

    /// <summary>Creates the socket pair; the child's end is blocking, the host's is not.</summary>
    public static unsafe (SyncChannel Host, SafeFd Child) Create()
    {
        int* pair = stackalloc int[2];
        if (LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, pair) < 0)
            throw Errno.Exception("socketpair(AF_UNIX, SOCK_STREAM)");
        var host = new SafeFd(pair[0]);
        var child = new SafeFd(pair[1]);
        int flags = LibC.fcntl(pair[0], LibC.F_GETFL);
        if (LibC.fcntl(pair[0], LibC.F_SETFL, flags | LibC.O_NONBLOCK) < 0)
            throw Errno.Exception("fcntl(sync socket, O_NONBLOCK)");
        return (new SyncChannel(host), child);
    }

    /// <summary>The next record, or null at EOF.</summary>
    public async ValueTask<SyncMessage?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = TryReceive();
            if (result is ReceiveResult.Message) return Take();
            if (result is ReceiveResult.EndOfFile) return null;
            await Reactor.Shared.WaitReadableAsync(_socket, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Tells the waiting child to go on.</summary>
    public unsafe void SendGo()
    {
        byte go = (byte)'g';
        if (LibC.send(_socket.Fd, &go, 1, LibC.MSG_NOSIGNAL) != 1)
            throw Errno.Exception("send(sync socket, \"go\")");
    }

    /// <summary>Passes an fd to the child as a record with SCM_RIGHTS.</summary>
    public unsafe void SendFd(SafeFd fd)
    {
        var record = stackalloc int[3] { (int)SyncMessageType.PassedFd, 0, 0 };
        int controlSize = sizeof(cmsghdr) + sizeof(int) + 4;
        byte* control = stackalloc byte[controlSize];
        new Span<byte>(control, controlSize).Clear();
        var header = (cmsghdr*)control;
        header->cmsg_len = (uint)(sizeof(cmsghdr) + sizeof(int));
        header->cmsg_level = LibC.SOL_SOCKET;
        header->cmsg_type = LibC.SCM_RIGHTS;
        *(int*)(control + sizeof(cmsghdr)) = fd.Fd;
        var iov = new iovec { iov_base = record, iov_len = (size_t)12 };
        var msg = new msghdr { msg_iov = &iov, msg_iovlen = 1, msg_control = control, msg_controllen = (uint)(sizeof(cmsghdr) + 8) };
        if (LibC.sendmsg(_socket.Fd, &msg, LibC.MSG_NOSIGNAL) != 12)
            throw Errno.Exception("sendmsg(sync socket, SCM_RIGHTS)");
    }

    public void Dispose()
    {
        _passedFd?.Dispose();
        _socket.Dispose();
    }

    private SyncMessage Take()
    {
        _pendingLength = 0;
        var message = new SyncMessage(
            (SyncMessageType)BitConverter.ToInt32(_pending, 0), BitConverter.ToInt32(_pending, 4), BitConverter.ToInt32(_pending, 8), _passedFd);
        _passedFd = null;
        return message;
    }

    private unsafe ReceiveResult TryReceive()
    {
        const int ControlSize = 64;
        byte* control = stackalloc byte[ControlSize];
        fixed (byte* buffer = _pending)
        {
            var iov = new iovec { iov_base = buffer + _pendingLength, iov_len = (size_t)(RecordSize - _pendingLength) };
            var msg = new msghdr { msg_iov = &iov, msg_iovlen = 1, msg_control = control, msg_controllen = ControlSize };
            long n = LibC.recvmsg(_socket.Fd, &msg, LibC.MSG_DONTWAIT | LibC.MSG_CMSG_CLOEXEC);
            if (n < 0)
            {
                int errno = Errno.Last;
                if (errno is Errno.EAGAIN or Errno.EINTR) return ReceiveResult.WouldBlock;
                throw Errno.Exception("recvmsg(sync socket)", errno);
            }
            if (n == 0) return ReceiveResult.EndOfFile;
            TakePassedFd(&msg);
            _pendingLength += (int)n;
            return _pendingLength == RecordSize ? ReceiveResult.Message : ReceiveResult.WouldBlock;
        }
    }

    private unsafe void TakePassedFd(msghdr* msg)
    {
        if ((uint)msg->msg_controllen < (uint)sizeof(cmsghdr)) return;
        var header = (cmsghdr*)msg->msg_control;
        if (header->cmsg_level != LibC.SOL_SOCKET || header->cmsg_type != LibC.SCM_RIGHTS) return;
        int fd = *(int*)((byte*)header + sizeof(cmsghdr));
        _passedFd?.Dispose();
        _passedFd = new SafeFd(fd);
    }

    private enum ReceiveResult
    {
        WouldBlock,
        Message,
        EndOfFile,
    }
}

/// <summary>The record types stage-0 sends.</summary>
internal enum SyncMessageType
{
    ChildPid = 1,
    Error = 2,
    Terminal = 3,
    PassedFd = 4,
    Logger = 5,
}

/// <summary>One record from stage-0; <paramref name="Fd"/> is the terminal master for <see cref="SyncMessageType.Terminal"/>.</summary>
internal sealed record SyncMessage(SyncMessageType Type, int A, int B, SafeFd? Fd);
