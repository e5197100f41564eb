// A consumer of the AutoencoderML package, built outside the repository by build/test-package.sh:
//   train DIR   trains a small autoencoder, saves DIR/model.zip and the codes it gives DIR/rows.bin in DIR/codes.txt
//   check DIR   (a new process) loads DIR/model.zip, encodes the same rows, and exits 0 only if the codes are identical
using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Autoencoder;
using Microsoft.ML.Data;

if (args.Length != 2 || (args[0] != "train" && args[0] != "check"))
{
    Console.Error.WriteLine("usage: consumer train|check DIR");
    return 2;
}
string dir = args[1];
var ml = new MLContext(seed: 1);
var random = new Random(7);
var rows = Enumerable.Range(0, 300).Select(_ => Enumerable.Range(0, 12).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
var data = ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = r }));
string modelPath = Path.Combine(dir, "model.zip"), codesPath = Path.Combine(dir, "codes.txt");

if (args[0] == "train")
{
    var model = ml.Transforms.Autoencoder(new AutoencoderEstimator.Options
    {
        LatentDimension = 3,
        Architecture = new DenseArchitecture { HiddenSizes = new[] { 8 } },
        MaximumNumberOfEpochs = 5,
        Seed = 1,
    }).Fit(data);
    ml.Model.Save(model, data.Schema, modelPath);
    File.WriteAllText(codesPath, Format(model.Encode(rows.SelectMany(r => r).ToArray())));
    Console.WriteLine($"trained {model.TrainingHistory.Count} epochs, loss {model.TrainingHistory[^1].TrainingLoss:G4}; saved {new FileInfo(modelPath).Length} bytes");
    return 0;
}

var loaded = (AutoencoderTransformer)ml.Model.Load(modelPath, out _);
string expected = File.ReadAllText(codesPath);
string actual = Format(loaded.Encode(rows.SelectMany(r => r).ToArray()));
var viaTransform = loaded.Transform(data).GetColumn<float[]>("Latent").SelectMany(c => c).ToArray();
bool same = expected == actual && Format(viaTransform) == actual;
Console.WriteLine(same ? "loaded model gives the saved codes" : "loaded model gives OTHER codes");
return same ? 0 : 1;

static string Format(float[] values) => string.Join(" ", values.Select(v => BitConverter.SingleToInt32Bits(v).ToString("X8", CultureInfo.InvariantCulture)));

internal sealed class Row
{
    [VectorType(12)]
    public float[] Features { get; set; } = Array.Empty<float>();
}
