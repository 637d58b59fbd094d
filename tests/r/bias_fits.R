# Reference Cox fits in R (survival::coxph; Efron ties, Breslow for the weighted fit) for tests/test_estimands.py.
# Usage: Rscript tests/r/bias_fits.R rows.csv landmark.csv out.csv
# rows.csv: columns analysis, start, stop, event, x, stratum (counting-process rows, one block per
#   analysis; start = -1 means "at risk from the origin"; stratum 0 everywhere where unstratified).
# landmark.csv: time, event, x, ecog0, ihc3, grade_le2, age10 (one landmark's patients) for the
#   propensity model and the weighted Cox fit with a robust variance.
# Writes key,value lines with 17 significant digits.
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
rows <- read.csv(args[1]); lm <- read.csv(args[2])
out <- list()
put <- function(key, value) out[[key]] <<- value
ctl <- coxph.control(eps = 1e-12, iter.max = 100)
for (a in unique(rows$analysis)) {
  d <- rows[rows$analysis == a, ]
  d$start[d$start < 0] <- min(0, min(d$stop) - 1)
  f <- if (length(unique(d$stratum)) > 1) {
    coxph(Surv(start, stop, event) ~ x + strata(stratum), data = d, ties = "efron", control = ctl)
  } else {
    coxph(Surv(start, stop, event) ~ x, data = d, ties = "efron", control = ctl)
  }
  put(paste0(a, "_beta"), coef(f)[["x"]]); put(paste0(a, "_se"), sqrt(vcov(f)[1, 1]))
}
ps <- glm(x ~ ecog0 + ihc3 + grade_le2 + age10, family = binomial, data = lm,
          control = glm.control(epsilon = 1e-14, maxit = 100))
e <- fitted(ps); share <- mean(lm$x)
w <- ifelse(lm$x == 1, share / e, (1 - share) / (1 - e))
for (i in seq_along(w)) put(sprintf("weight_%d", i), w[[i]])
f <- coxph(Surv(time, event) ~ x, data = lm, weights = w, robust = TRUE, ties = "breslow", control = ctl)
put("ipw_beta", coef(f)[["x"]]); put("ipw_robust_se", sqrt(vcov(f)[1, 1]))
writeLines(sprintf("%s,%.17g", names(out), unlist(out)), args[3])
