using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Backpack.Gateway.History.Tests;

/// <summary>
/// A real PostgreSQL server for the tests: a fresh cluster (initdb) in a temporary folder, started
/// on a free port on 127.0.0.1 and removed afterwards. Debian's postgresql package provides the
/// binaries (.ci/run installs it). initdb refuses to run as root, so as root the server runs as the
/// package's postgres user.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string _folder;
    private readonly string _bin;
    private readonly bool _asPostgres;

    public PostgresServer()
    {
        _bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).Order().LastOrDefault() ?? ""
            : "";
        if (_bin.Length == 0) throw new InvalidOperationException("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb): `apt-get install postgresql`, as .ci/run does");
        _asPostgres = Environment.UserName == "root";
        _folder = Path.Combine(Path.GetTempPath(), "bp-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_folder);
        if (_asPostgres) Run("chown", $"postgres {_folder}", asPostgres: false);
        Port = FreePort();
        string data = Path.Combine(_folder, "data");
        Run(Path.Combine(_bin, "initdb"), $"-D {data} -U postgres -A trust --no-sync -E UTF8", _asPostgres);
        Run(Path.Combine(_bin, "pg_ctl"), $"-D {data} -l {_folder}/server.log -w -t 60 -o \"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off\" start", _asPostgres);
        ConnectionString = $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true";
    }

    public int Port { get; }
    public string ConnectionString { get; }

    /// <summary>A new empty database on the server.</summary>
    public string CreateDatabase()
    {
        string name = "bp_" + Guid.NewGuid().ToString("N")[..12];
        using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE {name}";
        command.ExecuteNonQuery();
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name};Pooling=true";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Run(string file, string arguments, bool asPostgres)
    {
        var info = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        if (!process.WaitForExit(120_000)) throw new TimeoutException($"{file} did not finish");
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {output}");
    }

    public void Dispose()
    {
        try
        {
            Run(Path.Combine(_bin, "pg_ctl"), $"-D {Path.Combine(_folder, "data")} -m immediate -w stop", _asPostgres);
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
