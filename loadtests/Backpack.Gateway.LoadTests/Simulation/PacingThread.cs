using System.Diagnostics;

namespace Backpack.Gateway.LoadTests.Simulation;

/// <summary>
/// One fleet's pacing thread: the fleet's pacers ask it for a moment (<see cref="At"/>) and it
/// completes their wait on its own thread at that moment, never before: it sleeps while the next
/// moment is more than <see cref="SleepMargin"/> away, then yields the core (which spins when the core
/// is free) until it is there. The awaiting pacer's continuation runs on this thread, so the send
/// itself leaves here at once instead of queueing for the thread pool, which under load started it
/// milliseconds late.
/// </summary>
public sealed class PacingThread : IDisposable
{
    /// <summary>A timed sleep on Linux ends up to about a millisecond late: sleep only until this long before.</summary>
    public static readonly TimeSpan SleepMargin = TimeSpan.FromMilliseconds(1.5);

    private readonly PriorityQueue<TaskCompletionSource, long> _due = new();
    private readonly object _lock = new();
    private readonly AutoResetEvent _changed = new(false);
    private readonly Thread _thread;
    private volatile bool _stopping;

    public PacingThread(string name)
    {
        _thread = new Thread(Run) { Name = name, IsBackground = true, Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Completes at <paramref name="ticks"/> (Stopwatch), or at once if that is past or the thread stops.</summary>
    public Task At(long ticks)
    {
        if (Stopwatch.GetTimestamp() >= ticks) return Task.CompletedTask;
        // Continuations run on the pacing thread (synchronously): the send leaves at its moment.
        var wait = new TaskCompletionSource();
        bool earliest;
        lock (_lock)
        {
            if (_stopping) return Task.CompletedTask; // checked under the lock: the thread's last drain takes it too
            earliest = !_due.TryPeek(out _, out long first) || ticks < first;
            _due.Enqueue(wait, ticks);
        }
        if (earliest) _changed.Set();
        return wait.Task;
    }

    private void Run()
    {
        long sleepMargin = (long)(SleepMargin.TotalSeconds * Stopwatch.Frequency);
        while (!_stopping)
        {
            TaskCompletionSource? ready = null;
            long due;
            lock (_lock)
            {
                if (!_due.TryPeek(out var first, out due))
                {
                    due = long.MaxValue;
                }
                else if (Stopwatch.GetTimestamp() >= due)
                {
                    ready = _due.Dequeue();
                }
            }
            if (ready is not null)
            {
                ready.SetResult(); // the pacer's send runs here, now
                continue;
            }
            long now = Stopwatch.GetTimestamp();
            if (due == long.MaxValue) _changed.WaitOne(100);
            else if (due - now > sleepMargin) _changed.WaitOne(TimeSpan.FromSeconds((due - now - sleepMargin) / (double)Stopwatch.Frequency));
            else Thread.Yield();
        }
        lock (_lock)
        {
            while (_due.TryDequeue(out var wait, out _)) wait.TrySetResult();
        }
    }

    /// <summary>Ends every wait now, and every one asked for later at once (a cancelled run's pacers stop waiting).</summary>
    public void Stop()
    {
        _stopping = true;
        _changed.Set();
    }

    public void Dispose()
    {
        Stop();
        if (Thread.CurrentThread == _thread) return; // called from a continuation it runs: it ends when that returns
        _thread.Join();
        _changed.Dispose();
    }
}
