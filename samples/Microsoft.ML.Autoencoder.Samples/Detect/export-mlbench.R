# Exports the two outlier benchmarks of the `detect` command from R's mlbench package (Debian: r-cran-mlbench),
# in the form of the ODDS collection that PyOD's benchmark (notebooks/roc.csv) uses:
#   shuttle.csv     Statlog Shuttle, train and test parts together (58,000 rows): class 4 dropped, class 1 normal,
#                   classes 2, 3, 5, 6 and 7 outliers -> 49,097 rows x 9 features, 3,511 outliers.
#   ionosphere.csv  Johns Hopkins Ionosphere: `bad` is the outlier class; the constant second column dropped
#                   -> 351 rows x 33 features, 126 outliers.
# Each file: a header, the features, then `label` (1 = outlier, 0 = normal). Usage: Rscript export-mlbench.R OUTPUT_DIR
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "."
dir.create(out, showWarnings = FALSE, recursive = TRUE)
suppressPackageStartupMessages(library(mlbench))

data(Shuttle)
class <- as.integer(Shuttle$Class)
shuttle <- Shuttle[class != 4, 1:9]
shuttle$label <- as.integer(class[class != 4] != 1)
write.csv(shuttle, file.path(out, "shuttle.csv"), row.names = FALSE)

data(Ionosphere)
features <- Ionosphere[, setdiff(names(Ionosphere), c("V2", "Class"))]
features$V1 <- as.numeric(as.character(features$V1))
features$label <- as.integer(Ionosphere$Class == "bad")
write.csv(features, file.path(out, "ionosphere.csv"), row.names = FALSE)

cat(sprintf("shuttle: %d rows x %d features, %d outliers\n", nrow(shuttle), ncol(shuttle) - 1, sum(shuttle$label)))
cat(sprintf("ionosphere: %d rows x %d features, %d outliers\n", nrow(features), ncol(features) - 1, sum(features$label)))
