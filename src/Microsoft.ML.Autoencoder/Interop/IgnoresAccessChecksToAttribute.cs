using System.Runtime.CompilerServices;

// The library compiles against publicized copies of these ML.NET assemblies (build/Publicize.targets) and
// runs against the real ones; this tells the runtime to skip visibility checks for our accesses into them.
// See Interop/README.md.
[assembly: IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: IgnoresAccessChecksTo("Microsoft.ML.Data")]
[assembly: IgnoresAccessChecksTo("Microsoft.ML.DataView")]
// Onnx/StandaloneOnnxExport.cs builds models with the ONNX converter's internal context.
[assembly: IgnoresAccessChecksTo("Microsoft.ML.OnnxConverter")]

namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// Honoured by the CoreCLR (not part of the public BCL surface, so every user declares it): members of the
    /// named assembly are accessible from the declaring assembly regardless of their visibility.
    /// </summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute : Attribute
    {
        /// <summary>Creates the attribute for the assembly with the given simple name.</summary>
        /// <param name="assemblyName">The simple name (no version, culture or key) of the assembly.</param>
        public IgnoresAccessChecksToAttribute(string assemblyName)
        {
            AssemblyName = assemblyName;
        }

        /// <summary>The simple name of the assembly whose access checks are ignored.</summary>
        public string AssemblyName { get; }
    }
}
