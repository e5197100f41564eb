using System.CommandLine;
using Microsoft.ML.Autoencoder.Probes;

// Reliability probes of Microsoft.ML.Autoencoder that take too long for the test suite (docs/reliability.md). Each
// subcommand prints its counts and exits non-zero when a guarantee does not hold.
var root = new RootCommand("Reliability probes of Microsoft.ML.Autoencoder: corruption fuzz of saved models, and a table of bad inputs.")
{
    FuzzCommand.Create(),
    BadInputCommand.Create(),
};
return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
