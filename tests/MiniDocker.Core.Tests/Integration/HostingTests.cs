using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MiniDocker.Containers;
using MiniDocker.Containers.Waiting;
using MiniDocker.Hosting;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>services.AddMiniDocker(): options through IOptions, one engine, and containers that live as long as the host.</summary>
public sealed class HostingTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hosted_containers_start_ready_with_the_host_and_are_removed_when_it_stops()
    {
        Require.Root();
        var rootfs = env.Rootfs;
        var root = Path.Combine(env.Scratch, "hosted-" + Guid.NewGuid().ToString("N")[..8]);
        var builder = Host.CreateApplicationBuilder();
        builder.Services
            .AddMiniDocker(o =>
            {
                o.RootDirectory = root;
                o.CgroupParent = env.CgroupParent;
                o.StopTimeout = TimeSpan.FromSeconds(2);
            })
            .AddContainer("cache", b => b.WithRootfs(rootfs).WithInit()
                .WithCommand("/bin/sh", "-c", "echo cache up; exec sleep 300")
                .WithWaitStrategy(Wait.UntilMessageIsLogged("cache up")))
            .AddContainer("worker", b => b.WithRootfs(rootfs).WithInit().WithCommand("sleep", "300"));
        Container cache, worker;

        var host = builder.Build();
        try
        {
            await host.StartAsync(Cancel);
            var service = host.Services.GetRequiredService<MiniDockerHostedService>();
            cache = service.Containers["cache"];
            worker = service.Containers["worker"];
            var engine = host.Services.GetRequiredService<ContainerEngine>();

            Assert.Equal(root, host.Services.GetRequiredService<IOptions<MiniDockerOptions>>().Value.RootDirectory);
            Assert.Equal(ContainerStatus.Running, cache.Status);
            Assert.Equal(2, (await engine.Containers.ListAsync(cancellationToken: Cancel)).Count);

            await host.StopAsync(Cancel);
            Assert.Equal(ContainerStatus.Removed, cache.Status);
            Assert.Equal(ContainerStatus.Removed, worker.Status);
            Assert.Empty(await engine.Containers.ListAsync(all: true, Cancel));
        }
        finally
        {
            // The engine is IAsyncDisposable: the provider disposes it asynchronously.
            await ((IAsyncDisposable)host).DisposeAsync();
        }
        Directory.Delete(root, recursive: true);
    }
}
