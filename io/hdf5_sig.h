/* Whether a file is an HDF5 file, by its signature, without opening it through HDF5
 * (which would report a non-HDF5 file as an error). Commands that take stores and an
 * optional CSV in one argument list (report STORE... [ENCOUNTERS.csv]) tell them
 * apart with it. */
#ifndef TC_HDF5_SIG_H
#define TC_HDF5_SIG_H

/* 1 when path is readable and holds the HDF5 signature at offset 0, 512, 1024, ...
 * (where a user block may put it), up to 64 KiB; 0 otherwise. */
int tc_file_is_hdf5(const char *path);

#endif
