using System.CommandLine;
using Microsoft.ML.Autoencoder.Samples.Commands;

// Samples for Microsoft.ML.Autoencoder, one command each. Run without arguments for `compare`.
var root = new RootCommand("Microsoft.ML.Autoencoder samples.")
{
    CompareCommand.Create(),
    Microsoft.ML.Autoencoder.Samples.Classify.ClassifyCommand.Create(),
    Microsoft.ML.Autoencoder.Samples.Generate.GenerateCommand.Create(),
    BasicsCommand.Create(),
    Microsoft.ML.Autoencoder.Samples.Onnx.DeployEncoderCommand.Create(),
    Microsoft.ML.Autoencoder.Samples.Detect.DetectCommand.Create(),
    Microsoft.ML.Autoencoder.Samples.Detect.AnomalySample.Create(),
    Microsoft.ML.Autoencoder.Samples.Compress.CompressCommand.Create(),
};

if (args.Length == 0)
{
    args = ["compare"];
}

// Exceptions are not caught: a failing sample must fail loudly, with its stack trace and a non-zero exit code.
return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
