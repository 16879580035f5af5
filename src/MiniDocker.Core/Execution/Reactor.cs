using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using MiniDocker.Interop;
using Tmds.Linux;

namespace MiniDocker.Execution;

/// <summary>
/// One thread per process that waits on every pidfd and sync socket with epoll and runs
/// every posix_spawn. Spawning from this thread matters: it never exits, so the parent-death
/// signal of a tied container fires only when the host process dies, not when a thread-pool
/// thread retires (PR_SET_PDEATHSIG follows the spawning thread).
/// </summary>
internal sealed unsafe class Reactor
{
    private const ulong WakeToken = 0;

    private static readonly Lazy<Reactor> LazyShared = new(() => new Reactor());

    private readonly int _epoll;
    private readonly int _wake;
    private readonly ConcurrentQueue<Action> _work = new();
    private readonly ConcurrentDictionary<ulong, Registration> _registrations = new();
    private long _nextToken;

    private Reactor()
    {
        _epoll = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        if (_epoll < 0) throw Errno.Exception("epoll_create1");
        _wake = LibC.eventfd(0, 0x80000 /* EFD_CLOEXEC */ | 0x800 /* EFD_NONBLOCK */);
        if (_wake < 0) throw Errno.Exception("eventfd");
        Add(_wake, WakeToken);
        new Thread(Run) { IsBackground = true, Name = "MiniDocker reactor" }.Start();
    }

    public static Reactor Shared => LazyShared.Value;

    /// <summary>Runs <paramref name="action"/> on the reactor thread.</summary>
    public Task<T> InvokeAsync<T>(Func<T> action)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Enqueue(() =>
        {
            try
            {
                done.SetResult(action());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        ulong one = 1;
        LibC.write(_wake, &one, 8);
        return done.Task;
    }

    /// <summary>Completes when <paramref name="handle"/> is readable (a pidfd: when the process has exited).</summary>
    public Task WaitReadableAsync(SafeHandle handle, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var token = (ulong)Interlocked.Increment(ref _nextToken);
        bool added = false;
        handle.DangerousAddRef(ref added);
        var registration = new Registration(handle);
        _registrations[token] = registration;
        try
        {
            Add((int)handle.DangerousGetHandle(), token, LibC.EPOLLONESHOT);
        }
        catch
        {
            _registrations.TryRemove(token, out _);
            handle.DangerousRelease();
            throw;
        }
        if (cancellationToken.CanBeCanceled)
        {
            registration.Cancellation = cancellationToken.Register(() =>
            {
                if (Complete(token)) registration.Done.TrySetCanceled(cancellationToken);
            });
        }
        return registration.Done.Task;
    }

    private void Add(int fd, ulong token, int extra = 0)
    {
        var ev = new epoll_event { events = LibC.EPOLLIN | extra };
        ev.data.u64 = token;
        if (LibC.epoll_ctl(_epoll, LibC.EPOLL_CTL_ADD, fd, &ev) < 0)
            throw Errno.Exception($"epoll_ctl(EPOLL_CTL_ADD, fd {fd})");
    }

    // Whoever removes the registration (the event or the cancellation) completes it.
    private bool Complete(ulong token)
    {
        if (!_registrations.TryRemove(token, out var registration)) return false;
        _ = LibC.epoll_ctl(_epoll, LibC.EPOLL_CTL_DEL, (int)registration.Handle.DangerousGetHandle(), null);
        registration.Handle.DangerousRelease();
        registration.Cancellation.Dispose();
        return true;
    }

    private void Run()
    {
        const int MaxEvents = 64;
        var events = stackalloc epoll_event[MaxEvents];
        while (true)
        {
            int n = LibC.epoll_wait(_epoll, events, MaxEvents, -1);
            for (int i = 0; i < n; i++)
            {
                var token = events[i].data.u64;
                if (token == WakeToken)
                {
                    ulong count;
                    LibC.read(_wake, &count, 8);
                    while (_work.TryDequeue(out var work)) work();
                }
                else if (_registrations.TryGetValue(token, out var registration) && Complete(token))
                {
                    registration.Done.TrySetResult();
                }
            }
        }
    }

    private sealed class Registration(SafeHandle handle)
    {
        public SafeHandle Handle { get; } = handle;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Cancellation { get; set; }
    }
}
