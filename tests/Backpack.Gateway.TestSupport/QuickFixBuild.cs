using System.Diagnostics;
using System.Security.Cryptography;

namespace Backpack.Gateway.TestSupport;

/// <summary>
/// Builds a QuickFIX C++ program (Debian's libquickfix-dev) with g++ on first use: once per
/// content of its source and of the shared headers (QuickFix/ in the build output: logon_signer.h),
/// into the temporary folder, shared by the processes that run side by side.
/// </summary>
public static class QuickFixBuild
{
    private static readonly object BuildLock = new();

    /// <summary>The executable built from <paramref name="source"/> (g++ -std=gnu++14 -O1, the shared headers on the include path, linked with QuickFIX, OpenSSL and pthreads), named <paramref name="name"/> and the source's hash.</summary>
    public static string Executable(string source, string name)
    {
        lock (BuildLock) return BuildOnce(source, name);
    }

    private static string BuildOnce(string source, string name)
    {
        if (!File.Exists("/usr/include/quickfix/Application.h"))
        {
            throw new InvalidOperationException("QuickFIX C++ headers are missing: install Debian's libquickfix-dev (bash .ci/run does).");
        }
        string headers = Path.Combine(AppContext.BaseDirectory, "QuickFix");
        using var content = new MemoryStream();
        foreach (string file in Directory.GetFiles(headers, "*.h").Order(StringComparer.Ordinal).Prepend(source)) content.Write(File.ReadAllBytes(file));
        string hash = Convert.ToHexString(SHA256.HashData(content.ToArray()))[..16];
        string output = Path.Combine(Path.GetTempPath(), name + "-" + hash);
        if (File.Exists(output)) return output;
        // A name of its own: another process may be building the same program.
        string temporary = output + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var compile = Process.Start(new ProcessStartInfo("g++", ["-std=gnu++14", "-O1", "-I", headers, "-o", temporary, source, "-lquickfix", "-lssl", "-lcrypto", "-lpthread"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        string errors = compile.StandardError.ReadToEnd();
        compile.WaitForExit();
        if (compile.ExitCode != 0) throw new InvalidOperationException($"g++ failed to build {Path.GetFileName(source)} against QuickFIX:\n" + errors);
        File.Move(temporary, output, overwrite: true);
        return output;
    }
}
