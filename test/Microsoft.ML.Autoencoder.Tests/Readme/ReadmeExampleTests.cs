using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Readme
{
    /// <summary>
    /// The README's first code sample, as written: compiled with Roslyn against the library and run on a small data set,
    /// so that the first code a newcomer copies cannot drift from the API. Its free variables, <c>train</c> and
    /// <c>test</c>, are the inputs; the value of <c>codes</c> is its output.
    /// </summary>
    public class ReadmeExampleTests
    {
        [Fact]
        public void FirstExample_CompilesAndGivesLatentCodes()
        {
            string example = FirstCSharpBlock(File.ReadAllText(RepositoryFile("README.md")));
            var lines = example.Split('\n');
            string usings = string.Join("\n", lines.Where(line => line.StartsWith("using ", StringComparison.Ordinal)));
            string body = string.Join("\n", lines.Where(line => !line.StartsWith("using ", StringComparison.Ordinal)));
            string program = usings + "\npublic static class ReadmeExample\n{\n    public static IDataView Run(IDataView train, IDataView test)\n    {\n"
                + body + "\n        return codes;\n    }\n}\n";

            var run = Compile(program).GetType("ReadmeExample")!.GetMethod("Run")!;
            var ml = new MLContext(seed: 1);
            var train = SyntheticData.LowRank(ml, rows: 300, size: 40, seed: 3);
            var test = SyntheticData.LowRank(ml, rows: 50, size: 40, seed: 4);
            var codes = (IDataView)run.Invoke(null, new object[] { train, test })!;

            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 32), codes.Schema["Latent"].Type);
            var latent = codes.GetColumn<float[]>("Latent").ToArray();
            Assert.Equal(50, latent.Length);
            Assert.All(latent, code => Assert.All(code, value => Assert.True(float.IsFinite(value))));
            Assert.True(latent.Select(code => code[0]).Distinct().Count() > 25, "the rows should get different codes");
        }

        private static string FirstCSharpBlock(string markdown)
        {
            int start = markdown.IndexOf("```csharp\n", StringComparison.Ordinal);
            Assert.True(start >= 0, "The README has no C# code block.");
            start += "```csharp\n".Length;
            int end = markdown.IndexOf("```", start, StringComparison.Ordinal);
            return markdown[start..end];
        }

        private static Assembly Compile(string program)
        {
            // What a project referencing the package compiles against: the framework and every assembly of the app.
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(path => path.EndsWith(".dll", StringComparison.Ordinal))
                .Select(path => MetadataReference.CreateFromFile(path));
            var compilation = CSharpCompilation.Create("ReadmeExample", new[] { CSharpSyntaxTree.ParseText(program) }, references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            using var image = new MemoryStream();
            var result = compilation.Emit(image);
            Assert.True(result.Success, "The README's first example does not compile:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)) + "\n" + program);
            return Assembly.Load(image.ToArray());
        }

        private static string RepositoryFile(string name)
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                string path = Path.Combine(directory.FullName, name);
                if (File.Exists(path) && Directory.Exists(Path.Combine(directory.FullName, "src")))
                    return path;
            }
            throw new FileNotFoundException($"{name} not found above {AppContext.BaseDirectory}.");
        }
    }
}
