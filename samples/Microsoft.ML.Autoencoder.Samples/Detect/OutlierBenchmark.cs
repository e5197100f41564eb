using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Samples.Detect;

/// <summary>
/// The detector with its defaults against ML.NET's <c>RandomizedPca</c> with its defaults: PyOD's benchmark protocol on
/// tabular outlier sets, and one-class Fashion-MNIST.
/// </summary>
internal static class OutlierBenchmark
{
    public const string Detector = "Autoencoder detector";

    public const string ConvolutionalDetector = "Autoencoder detector (convolutional)";

    public const string Pca = "RandomizedPca";

    /// <summary>The threshold rules compared (the detector's own default first).</summary>
    public static readonly string[] Rules = ["contamination = true rate", "median + 3 MAD", "Otsu", "Gaussian mixture (default)"];

    /// <summary>One row of a data set as ML.NET reads it.</summary>
    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        /// <summary>1 for an outlier (Single: ML.NET's anomaly evaluator wants a Single or a two-value key).</summary>
        public float Label { get; set; }
    }

    /// <summary>
    /// PyOD's protocol: <see cref="DetectOptions.Splits"/> random 60/40 splits; both parts standardized with the training
    /// part's mean and standard deviation; the outliers left in the training part; AUC on the test part.
    /// </summary>
    public static void RunTabular(OutlierDataSet data, DetectOptions options, DetectionResult result, Action<string> log)
    {
        int n = data.RowCount, d = data.FeatureCount;
        result.DataSets[data.Name] = $"{n} rows x {d} features, {data.OutlierCount} outliers ({100.0 * data.OutlierCount / n:F2}%); {options.Splits} random 60/40 splits, standardized with the training part's statistics, outliers left in training; {data.Source}";
        for (int split = 0; split < options.Splits; split++)
        {
            var order = Enumerable.Range(0, n).ToArray();
            new Random(options.Seed * 1000 + split).Shuffle(order);
            int testCount = (int)Math.Ceiling(0.4 * n);
            var train = order[testCount..];
            var test = order[..testCount];
            var (mean, scale) = Statistics(data, train);
            var ml = new MLContext(seed: options.Seed + split);
            var trainView = ToDataView(ml, data, train, mean, scale);
            var testView = ToDataView(ml, data, test, mean, scale);
            bool[] testLabels = test.Select(i => data.IsOutlier[i]).ToArray();
            double trainRate = train.Count(i => data.IsOutlier[i]) / (double)train.Length;

            RunDetector(ml, Detector, DetectorSettings.Create(options, options.Seed + split), data.Name, split, trainView, testView, testLabels, trainRate, result, keepScores: split == 0);
            RunPca(ml, data.Name, split, d, trainView, testView, testLabels, result, keepScores: split == 0);
            var last = result.Runs.Where(r => r.DataSet == data.Name && r.Run == split).ToList();
            log($"{data.Name} split {split + 1}/{options.Splits}: " + string.Join(", ", last.Select(r => $"{r.Method} AUC {r.Auc:F4} ({r.FitSeconds:F1} s)")));
        }
    }

    /// <summary>
    /// One-class Fashion-MNIST: for each normal class, train on that class's training images and score every test image
    /// (the other nine classes are the anomalies).
    /// </summary>
    public static void RunFashionMnist(FashionMnistDataset data, DetectOptions options, DetectionResult result, Action<string> log)
    {
        result.DataSets["fashion-mnist"] = $"one class normal, trained on its images of the training split, all {data.Test.Count} test images scored (the other nine classes are anomalies, 90%); {data.Source}";
        foreach (int normal in options.Classes)
        {
            var trainIndices = Enumerable.Range(0, data.Train.Count).Where(i => data.Train.Labels[i] == normal).ToArray();
            var ml = new MLContext(seed: options.Seed + normal);
            var trainView = ImagesView(ml, data.Train, trainIndices, normal);
            var testView = ImagesView(ml, data.Test, Enumerable.Range(0, data.Test.Count).ToArray(), normal);
            bool[] testLabels = data.Test.Labels.Select(label => label != normal).ToArray();
            string name = $"fashion-mnist/{FashionMnist.ClassNames[normal]}";
            // Normal images are 10% of the test set: the true rate of anomalies (90%) is beyond any contamination setting,
            // so the threshold rules are compared on the tabular sets only.
            RunDetector(ml, Detector, DetectorSettings.Create(options, options.Seed + normal, imageSide: FashionMnist.ImageSide), name, normal, trainView, testView, testLabels, trainRate: null, result, keepScores: normal == options.Classes[0]);
            if (options.Convolutional)
            {
                var convolutional = DetectorSettings.Create(options, options.Seed + normal, new ConvolutionalArchitecture { Channels = 1, Height = FashionMnist.ImageSide, Width = FashionMnist.ImageSide });
                RunDetector(ml, ConvolutionalDetector, convolutional, name, normal, trainView, testView, testLabels, trainRate: null, result, keepScores: normal == options.Classes[0]);
            }

            RunPca(ml, name, normal, FashionMnist.PixelCount, trainView, testView, testLabels, result, keepScores: normal == options.Classes[0]);
            var last = result.Runs.Where(r => r.DataSet == name).ToList();
            log($"{name} ({trainIndices.Length} training images): " + string.Join(", ", last.Select(r => $"{r.Method} AUC {r.Auc:F4} ({r.FitSeconds:F1} s)")));
        }
    }

    /// <summary>
    /// Scoring speed on <paramref name="rows"/> rows: the detector's <c>Transform</c> (reading Score and PredictedLabel)
    /// against the autoencoder transformer's own <c>Transform</c> (reading its reconstruction error) of the same rows,
    /// with the same network settings, best of 5.
    /// </summary>
    public static void MeasureScoring(FashionMnistDataset data, DetectOptions options, DetectionResult result, int rows)
    {
        var ml = new MLContext(seed: options.Seed);
        var indices = Enumerable.Range(0, Math.Min(rows, data.Test.Count)).ToArray();
        var view = ml.Data.Cache(ImagesView(ml, data.Test, indices, normal: 0));
        var trainIndices = Enumerable.Range(0, data.Train.Count).Where(i => data.Train.Labels[i] == 0).ToArray();
        var trainView = ImagesView(ml, data.Train, trainIndices, normal: 0);
        var autoencoderOptions = DetectorSettings.Create(options, options.Seed).Autoencoder;
        autoencoderOptions.MaximumNumberOfEpochs = 2;
        autoencoderOptions.LatentDimension = AutoencoderAnomalyTrainer.Defaults.LatentDimensionFor(FashionMnist.ImageSide * FashionMnist.ImageSide);
        autoencoderOptions.ReconstructionErrorColumnName = "Error";
        autoencoderOptions.LatentColumnName = null;
        using var autoencoder = ml.Transforms.Autoencoder(autoencoderOptions).Fit(trainView);
        _ = view.GetColumn<float>("Label").Count(); // fill the cache

        double Best(Func<int> read)
        {
            double best = double.PositiveInfinity;
            for (int repeat = 0; repeat < 5; repeat++)
            {
                var watch = Stopwatch.StartNew();
                read();
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }

            return best;
        }

        result.Timings.Add(($"autoencoder Transform, {indices.Length} rows (reconstruction error; one network)", Best(() => autoencoder.Transform(view).GetColumn<float>("Error").Count())));

        // The detector as the Fashion-MNIST benchmark runs it (the defaults, told the image shape), then with one network,
        // then with one network and the error pixel by pixel: what the ensemble and the window each cost.
        var configurations = new (string Name, int? Ensemble, int? Window)[]
        {
            ($"detector Transform, {indices.Length} rows (Score and PredictedLabel; defaults: {AutoencoderAnomalyTrainer.Defaults.EnsembleSize} networks, {AutoencoderAnomalyTrainer.Defaults.ErrorWindowSize}x{AutoencoderAnomalyTrainer.Defaults.ErrorWindowSize} error window)", null, null),
            ($"detector Transform, {indices.Length} rows (one network, {AutoencoderAnomalyTrainer.Defaults.ErrorWindowSize}x{AutoencoderAnomalyTrainer.Defaults.ErrorWindowSize} error window)", 1, null),
            ($"detector Transform, {indices.Length} rows (one network, error pixel by pixel)", 1, 1),
        };
        foreach (var (name, ensemble, window) in configurations)
        {
            var settings = DetectorSettings.Create(options with { EnsembleSize = ensemble ?? options.EnsembleSize, ErrorWindowSize = window ?? options.ErrorWindowSize }, options.Seed, imageSide: FashionMnist.ImageSide);
            settings.Autoencoder.MaximumNumberOfEpochs = 2;
            settings.RobustTrainingFraction = 0;
            using var detector = ml.AnomalyDetection.Trainers.Autoencoder(settings).Fit(trainView);
            result.Timings.Add((name, Best(() =>
            {
                var scored = detector.Transform(view);
                using var cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name is "Score" or "PredictedLabel"));
                var score = cursor.GetGetter<float>(scored.Schema["Score"]);
                var label = cursor.GetGetter<bool>(scored.Schema["PredictedLabel"]);
                int count = 0;
                float s = 0;
                bool l = false;
                while (cursor.MoveNext())
                {
                    score(ref s);
                    label(ref l);
                    count++;
                }

                return count;
            })));
        }
    }

    private static void RunDetector(MLContext ml, string method, AutoencoderAnomalyTrainer.Options settings, string dataSet, int run,
        IDataView trainView, IDataView testView, bool[] testLabels, double? trainRate, DetectionResult result, bool keepScores)
    {
        var watch = Stopwatch.StartNew();
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(settings).Fit(trainView);
        double fitSeconds = watch.Elapsed.TotalSeconds;
        var scored = detector.Transform(testView);
        double auc = ml.AnomalyDetection.Evaluate(scored).AreaUnderRocCurve;
        var scores = scored.GetColumn<float>("Score").ToArray();
        var f1 = new Dictionary<string, double>();
        var flagged = new Dictionary<string, double>();
        if (trainRate is double rate)
        {
            void Rule(string rule, AutoencoderAnomalyTransformer thresholded)
            {
                f1[rule] = F1(scores, testLabels, thresholded.Threshold);
                flagged[rule] = scores.Count(s => s > thresholded.Threshold) / (double)scores.Length;
            }

            var methods = new[] { AnomalyThresholdMethod.Contamination, AnomalyThresholdMethod.MedianAbsoluteDeviation, AnomalyThresholdMethod.Otsu, AnomalyThresholdMethod.GaussianMixture };
            for (int m = 0; m < methods.Length; m++)
            {
                if (methods[m] == detector.ThresholdMethod)
                {
                    Rule(Rules[m], detector);
                    continue;
                }

                using var refitted = detector.WithThreshold(trainView, methods[m], contamination: Math.Clamp(rate, 1e-6, 0.5));
                Rule(Rules[m], refitted);
            }
        }

        result.Runs.Add(new RunResult(dataSet, run, method, auc, fitSeconds, f1, flagged, keepScores ? scores : null, keepScores ? testLabels : null, detector.Threshold));
    }

    private static void RunPca(MLContext ml, string dataSet, int run, int featureCount, IDataView trainView, IDataView testView, bool[] testLabels, DetectionResult result, bool keepScores)
    {
        var watch = Stopwatch.StartNew();
        // ML.NET's defaults (rank 20, oversampling 20, centred), the rank lowered to one below the feature count when there
        // are not more than 20 features: RandomizedPca refuses a rank above the dimension, and at the dimension every row
        // is reconstructed exactly (every score 0).
        var pca = ml.AnomalyDetection.Trainers.RandomizedPca(featureColumnName: "Features", rank: Math.Min(20, featureCount - 1)).Fit(trainView);
        double fitSeconds = watch.Elapsed.TotalSeconds;
        var scored = pca.Transform(testView);
        // Computed here, not by mlContext.AnomalyDetection.Evaluate: on some Shuttle splits RandomizedPca's scores are NaN
        // for every outlier, and the evaluator then refuses ("no positive class"). NaN scores rank lowest.
        var all = scored.GetColumn<float>("Score").ToArray();
        double auc = Auc(all, testLabels);
        var scores = keepScores ? all : null;
        result.Runs.Add(new RunResult(dataSet, run, Pca, auc, fitSeconds, new Dictionary<string, double>(), new Dictionary<string, double>(), scores, keepScores ? testLabels : null, 0.5f));
    }

    /// <summary>The area under the ROC curve (Mann-Whitney, ties counted half); NaN scores rank below every other score.</summary>
    public static double Auc(float[] scores, bool[] isOutlier)
    {
        var order = Enumerable.Range(0, scores.Length).OrderBy(i => float.IsNaN(scores[i]) ? float.NegativeInfinity : scores[i]).ToArray();
        double rankSum = 0;
        long positives = isOutlier.LongCount(o => o);
        for (int start = 0; start < order.Length;)
        {
            float value = float.IsNaN(scores[order[start]]) ? float.NegativeInfinity : scores[order[start]];
            int end = start;
            while (end < order.Length && (float.IsNaN(scores[order[end]]) ? float.NegativeInfinity : scores[order[end]]) == value)
            {
                end++;
            }

            double rank = (start + 1 + end) / 2.0;
            for (int k = start; k < end; k++)
            {
                if (isOutlier[order[k]])
                {
                    rankSum += rank;
                }
            }

            start = end;
        }

        long negatives = scores.Length - positives;
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>F1 of "score above the threshold" for the outlier class.</summary>
    public static double F1(float[] scores, bool[] isOutlier, float threshold)
    {
        int truePositives = 0, falsePositives = 0, falseNegatives = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            bool flagged = scores[i] > threshold;
            if (flagged && isOutlier[i])
            {
                truePositives++;
            }
            else if (flagged)
            {
                falsePositives++;
            }
            else if (isOutlier[i])
            {
                falseNegatives++;
            }
        }

        return truePositives == 0 ? 0 : 2.0 * truePositives / (2.0 * truePositives + falsePositives + falseNegatives);
    }

    private static (double[] Mean, double[] Scale) Statistics(OutlierDataSet data, int[] rows)
    {
        int d = data.FeatureCount;
        var mean = new double[d];
        var scale = new double[d];
        foreach (int i in rows)
        {
            for (int j = 0; j < d; j++)
            {
                mean[j] += data.Features[i * d + j];
            }
        }

        for (int j = 0; j < d; j++)
        {
            mean[j] /= rows.Length;
        }

        foreach (int i in rows)
        {
            for (int j = 0; j < d; j++)
            {
                double deviation = data.Features[i * d + j] - mean[j];
                scale[j] += deviation * deviation;
            }
        }

        for (int j = 0; j < d; j++)
        {
            double deviation = Math.Sqrt(scale[j] / rows.Length);
            scale[j] = deviation > 0 ? deviation : 1; // scikit-learn's StandardScaler leaves constant features unscaled
        }

        return (mean, scale);
    }

    private static IDataView ToDataView(MLContext ml, OutlierDataSet data, int[] rows, double[] mean, double[] scale)
    {
        int d = data.FeatureCount;
        var list = rows.Select(i => new Row
        {
            Features = Enumerable.Range(0, d).Select(j => (float)((data.Features[i * d + j] - mean[j]) / scale[j])).ToArray(),
            Label = data.IsOutlier[i] ? 1 : 0,
        }).ToList();
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        return ml.Data.LoadFromEnumerable(list, definition);
    }

    private static IDataView ImagesView(MLContext ml, FashionMnistSplit split, int[] indices, int normal)
    {
        var list = indices.Select(i => new Row { Features = split.GetImage(i).ToArray(), Label = split.Labels[i] == normal ? 0 : 1 }).ToList();
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FashionMnist.PixelCount);
        return ml.Data.LoadFromEnumerable(list, definition);
    }
}
