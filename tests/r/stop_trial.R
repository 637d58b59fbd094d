# Reference weighted Cox fits in R (survival::coxph, Breslow ties, robust variance clustered on the
# woman) for tests/test_stop_at_ned.py.
# Usage: Rscript tests/r/stop_trial.R rows.csv out.csv
# rows.csv: analysis, patient, start, stop, event, arm, weight (counting-process rows).
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
rows <- read.csv(args[1])
out <- list()
ctl <- coxph.control(eps = 1e-12, iter.max = 100)
for (a in unique(rows$analysis)) {
  d <- rows[rows$analysis == a, ]
  f <- coxph(Surv(start, stop, event) ~ arm + cluster(patient), data = d, weights = weight,
             ties = "breslow", control = ctl)
  out[[paste0(a, "_beta")]] <- coef(f)[["arm"]]
  out[[paste0(a, "_robust_se")]] <- sqrt(vcov(f)[1, 1])
}
writeLines(sprintf("%s,%.17g", names(out), unlist(out)), args[2])
