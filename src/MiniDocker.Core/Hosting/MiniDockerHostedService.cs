using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiniDocker.Containers;

namespace MiniDocker.Hosting;

/// <summary>
/// Starts the registered containers, in registration order, when the host starts (each waits for
/// its wait strategy, if it has one), and stops and removes them, in reverse order, when it stops.
/// </summary>
public sealed partial class MiniDockerHostedService(ContainerEngine engine, IEnumerable<HostedContainer> registrations, ILogger<MiniDockerHostedService> logger) : IHostedService
{
    private readonly List<(string Name, Container Container)> _started = [];

    /// <summary>The containers started, by registration name.</summary>
    public IReadOnlyDictionary<string, Container> Containers => _started.ToDictionary(s => s.Name, s => s.Container);

    /// <summary>Starts every registered container; if one fails, those already started are stopped and the error is thrown.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var registration in registrations)
        {
            try
            {
                var container = await registration.Configure(engine.CreateContainer()).StartAsync(cancellationToken).ConfigureAwait(false);
                _started.Add((registration.Name, container));
                Started(logger, registration.Name, container.Id);
            }
            catch
            {
                await StopAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Stops (stop signal, then SIGKILL after the engine's stop timeout) and removes the containers, last started first.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        for (int i = _started.Count - 1; i >= 0; i--)
        {
            var (name, container) = _started[i];
            if (container.Status is ContainerStatus.Running or ContainerStatus.Paused)
                await container.StopAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await container.DisposeAsync().ConfigureAwait(false);
            Stopped(logger, name);
        }
        _started.Clear();
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Hosted container {Name} started ({Id})")]
    private static partial void Started(ILogger logger, string name, string id);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Hosted container {Name} stopped and removed")]
    private static partial void Stopped(ILogger logger, string name);
}
