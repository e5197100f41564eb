using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Onnx
{
    /// <summary>
    /// ONNX's own model checker (<c>onnx.checker.check_model</c> with <c>full_check</c>: structure, operator schemas and
    /// shape inference), run by Python from Debian's <c>python3-onnx</c>. A test helper only; the library never needs it.
    /// </summary>
    internal static class OnnxChecker
    {
        private const string Script = @"
import sys, onnx
failures = []
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
    except Exception as e:
        failures.append(path + ': ' + str(e).replace('\n', ' '))
print('\n'.join(failures))
sys.exit(1 if failures else 0)
";

        /// <summary>Whether a Python can import <c>onnx</c> (<c>apt-get install python3-onnx</c>).</summary>
        public static bool IsAvailable => s_python.Value is not null;

        /// <summary>
        /// The first interpreter that imports <c>onnx</c>: Debian's (where <c>python3-onnx</c> installs it) before whatever
        /// <c>python3</c> is first on the PATH (pyenv's, say, which does not see Debian's packages).
        /// </summary>
        private static readonly Lazy<string?> s_python = new Lazy<string?>(
            () => new[] { "/usr/bin/python3", "python3" }.FirstOrDefault(python => Run(python, new[] { "-c", "import onnx" }).ExitCode == 0));

        /// <summary>Checks each model; fails listing every model the checker rejects, with its reason.</summary>
        public static void AssertValid(IReadOnlyDictionary<string, byte[]> models)
        {
            var directory = Directory.CreateTempSubdirectory("onnx-checker-");
            try
            {
                var paths = models.Select(model =>
                {
                    var path = Path.Combine(directory.FullName, model.Key + ".onnx");
                    File.WriteAllBytes(path, model.Value);
                    return path;
                }).ToArray();
                var (exitCode, output) = Run(s_python.Value!, new[] { "-c", Script }.Concat(paths).ToArray());
                Assert.True(exitCode == 0, $"onnx.checker rejected:\n{output}");
            }
            finally
            {
                directory.Delete(recursive: true);
            }
        }

        private static (int ExitCode, string Output) Run(string python, string[] arguments)
        {
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            try
            {
                using var process = Process.Start(start)!;
                var error = process.StandardError.ReadToEndAsync();
                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                return (process.ExitCode, output + error.Result);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return (-1, e.Message);
            }
        }
    }
}
