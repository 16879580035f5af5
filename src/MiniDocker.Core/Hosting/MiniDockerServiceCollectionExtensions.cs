using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MiniDocker.Containers;

namespace MiniDocker.Hosting;

/// <summary>MiniDocker in a .NET host: <c>services.AddMiniDocker(o => o.RootDirectory = ...).AddContainer("db", b => b.WithImage(...))</c>.</summary>
public static class MiniDockerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="MiniDockerOptions"/> (bound through <see cref="IOptions{TOptions}"/>), one
    /// <see cref="ContainerEngine"/> for the application (disposed with the service provider), and the
    /// hosted service that runs the containers added with <see cref="AddContainer"/>.
    /// </summary>
    public static IServiceCollection AddMiniDocker(this IServiceCollection services, Action<MiniDockerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<MiniDockerOptions>();
        if (configure is not null) options.Configure(configure);
        services.TryAddSingleton(provider => new ContainerEngine(provider.GetRequiredService<IOptions<MiniDockerOptions>>(), provider.GetService<ILoggerFactory>()));
        services.TryAddSingleton<MiniDockerHostedService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MiniDockerHostedService>(provider => provider.GetRequiredService<MiniDockerHostedService>()));
        return services;
    }

    /// <summary>Adds a container that starts with the host and stops with it.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">Its name among the hosted containers.</param>
    /// <param name="configure">Describes it: image or rootfs, command, limits, wait strategy...</param>
    public static IServiceCollection AddContainer(this IServiceCollection services, string name, Func<ContainerBuilder, ContainerBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(new HostedContainer(name, configure));
        return services;
    }
}
