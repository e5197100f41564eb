using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.Tests;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Probes;

/// <summary>
/// The rows of the <c>bad-input</c> table for training data, scoring input, options, the array API and disposal: the
/// cases the reliability issue found giving wrong numbers or unclear errors, and their neighbours.
/// </summary>
internal static class DataAndOptionCases
{
    private const int Size = 20;

    private sealed class Row
    {
        [VectorType(Size)]
        public float[] Features { get; set; } = Array.Empty<float>();
    }

    private sealed class Code
    {
        [VectorType(3)]
        public float[] Latent { get; set; } = Array.Empty<float>();
    }

    private static AutoencoderEstimator.Options Options() => new AutoencoderEstimator.Options
    {
        LatentDimension = 3,
        Architecture = new DenseArchitecture { HiddenSizes = new[] { 8 } },
        MaximumNumberOfEpochs = 2,
        Seed = 1,
    };

    public static IEnumerable<BadInputCase> Create()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.LowRankRows(300, Size, 3, seed: 3);
        var data = SyntheticData.ToDataView(ml, rows, Size);
        var model = ml.Transforms.Autoencoder(Options()).Fit(data);
        float[] WithNaN(int index) { var row = rows[0].ToArray(); row[index] = float.NaN; return row; }
        float[] OfLength(int length) => Enumerable.Range(0, length).Select(i => rows[1][i % Size]).ToArray();
        void Predict(float[] features)
        {
            using var engine = ml.Model.CreatePredictionEngine<Row, Code>(model, new PredictionEngineOptions { OwnsTransformer = false });
            engine.Predict(new Row { Features = rows[2] });
            engine.Predict(new Row { Features = features });
        }
        void TransformAll(IEnumerable<float[]> input)
            => model.Transform(ml.Data.LoadFromEnumerable(input.Select(r => new Row { Features = r }))).GetColumn<float[]>("Latent").ToList();
        void Fit(IEnumerable<float[]> input, Action<AutoencoderEstimator.Options> change)
        {
            var options = Options();
            change(options);
            using var trained = ml.Transforms.Autoencoder(options).Fit(ml.Data.LoadFromEnumerable(input.Select(r => new Row { Features = r })));
        }
        void Configure(Action<AutoencoderEstimator.Options> change)
        {
            var options = Options();
            change(options);
            ml.Transforms.Autoencoder(options);
        }

        const string scoring = "scoring input";
        yield return new BadInputCase(scoring, "row of 19 values in a 20-value column (PredictionEngine)", typeof(InvalidOperationException), "has 19 values; 20 were expected", () => Predict(OfLength(19)));
        yield return new BadInputCase(scoring, "row of 21 values in a 20-value column (PredictionEngine)", typeof(InvalidOperationException), "has 21 values; 20 were expected", () => Predict(OfLength(21)));
        yield return new BadInputCase(scoring, "short row 1100 of 1500 (Transform's batched cursor)", typeof(InvalidOperationException), "Row 1100 of column 'Features'",
            () => TransformAll(Enumerable.Range(0, 1500).Select(i => i == 1100 ? OfLength(19) : rows[i % rows.Length])));
        yield return new BadInputCase(scoring, "NaN at index 4 (Transform)", typeof(InvalidOperationException), "has a NaN value at index 4", () => TransformAll(new[] { rows[0], WithNaN(4) }));
        yield return new BadInputCase(scoring, "infinity (PredictionEngine)", typeof(InvalidOperationException), "infinite value at index 0",
            () => Predict(rows[0].Select((v, i) => i == 0 ? float.PositiveInfinity : v).ToArray()));
        yield return new BadInputCase(scoring, "NaN (Encode on an array)", typeof(ArgumentException), "Row 0 has a NaN value at index 7", () => model.Encode(WithNaN(7)));
        yield return new BadInputCase(scoring, "array length not a multiple of the row size (Encode)", typeof(ArgumentException), "is not a multiple of the row size 20", () => model.Encode(new float[30]));

        const string training = "training data";
        yield return new BadInputCase(training, "NaN in row 5", typeof(InvalidOperationException), "Row 5 of column 'Features'",
            () => Fit(rows.Select((r, i) => i == 5 ? WithNaN(2) : r), _ => { }));
        yield return new BadInputCase(training, "row of 19 values in row 9", typeof(InvalidOperationException), "has 19 values; 20 were expected",
            () => Fit(rows.Select((r, i) => i == 9 ? OfLength(19) : r), _ => { }));
        yield return new BadInputCase(training, "diverging with a finite loss (sigmoid output, learning rate 1e6)", typeof(InvalidOperationException), "Training diverged",
            () => Fit(rows, o => { o.LearningRate = 1e6f; o.MaximumNumberOfEpochs = 4; }));
        yield return new BadInputCase(training, "batch size 1 with batch normalization", typeof(ArgumentOutOfRangeException), "The batch size must be at least 2",
            () => Fit(rows, o => { o.BatchSize = 1; o.Architecture = new DenseArchitecture { HiddenSizes = new[] { 8 }, BatchNormalization = true }; }));

        const string options = "options and arguments";
        yield return new BadInputCase(options, "reconstruction and error columns of one name", typeof(ArgumentException), "ReconstructionErrorColumnName and ReconstructionColumnName both name the column 'Out'",
            () => Configure(o => { o.ReconstructionColumnName = "Out"; o.ReconstructionErrorColumnName = "Out"; }));
        yield return new BadInputCase(options, "unknown NonFiniteInput value", typeof(ArgumentOutOfRangeException), "Unknown handling of non-finite input",
            () => Configure(o => o.NonFiniteInput = (NonFiniteInputHandling)7));
        yield return new BadInputCase(options, "latent dimension not smaller than the input", typeof(ArgumentOutOfRangeException), "must be smaller than the size of input column 'Features' (20)",
            () => Fit(rows, o => o.LatentDimension = Size));
        yield return new BadInputCase(options, "Interpolate with int.MaxValue steps", typeof(ArgumentOutOfRangeException), "ask for fewer steps", () => model.Interpolate(rows[0], rows[1], int.MaxValue));
        yield return new BadInputCase(options, "GetDependencies(null) on the row mapper", typeof(ArgumentNullException), "dependingColumns",
            () =>
            {
                var mapper = model.GetRowToRowMapper(data.Schema);
                model.Dispose(); // the mapper's hold
                mapper.GetDependencies(null!);
            });

        const string disposal = "disposal";
        yield return new BadInputCase(disposal, "a model used after its owner and every engine disposed it", typeof(ObjectDisposedException), "once for each PredictionEngine",
            () =>
            {
                var own = ml.Transforms.Autoencoder(Options()).Fit(data);
                var engine = ml.Model.CreatePredictionEngine<Row, Code>(own);
                own.Dispose();
                engine.Predict(new Row { Features = rows[0] }); // still served: the engine holds the model
                engine.Dispose();
                own.Encode(rows[0]);
            });
    }
}
