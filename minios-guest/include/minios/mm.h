/* mm.h: PV memory: P2M/M2P lookups, page tables, page allocator, maps. */
#ifndef MINIOS_MM_H
#define MINIOS_MM_H

#include <stdint.h>
#include <stddef.h>
#include <public/xen.h>

#define PAGE_SHIFT  12
#define PAGE_SIZE   (1UL << PAGE_SHIFT)
#define PAGE_MASK   (~(PAGE_SIZE - 1))
#define PFN_UP(x)   (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x) ((x) >> PAGE_SHIFT)

/* PTE bits. */
#define _PAGE_PRESENT  0x001UL
#define _PAGE_RW       0x002UL
#define _PAGE_USER     0x004UL
#define _PAGE_ACCESSED 0x020UL
#define _PAGE_DIRTY    0x040UL
#define _PAGE_NX       (1UL << 63)
#define PTE_ADDR_MASK  0x000ffffffffff000UL

/* Layout: RAM PFN n lives at VA n << 12 (VIRT_BASE 0); the map area in
 * L4 slot 1 holds non-RAM frames (shared_info, grant table frames). */
#define VMAP_START 0x0000008000000000UL
#define VMAP_PAGES 1024UL

/* The P2M (start_info->mfn_list) is the only PFN->MFN truth: MFNs of data
 * pages change under copy-on-write, so look them up every time. */
extern unsigned long *phys_to_machine;
extern unsigned long nr_ram_pages;

static inline unsigned long pfn_to_mfn(unsigned long pfn)
{
    return phys_to_machine[pfn];
}

static inline unsigned long mfn_to_pfn(unsigned long mfn)
{
    return ((const unsigned long *)MACH2PHYS_VIRT_START)[mfn];
}

static inline unsigned long virt_to_pfn(const void *va)
{
    return (unsigned long)va >> PAGE_SHIFT;
}

static inline unsigned long virt_to_mfn(const void *va)
{
    return pfn_to_mfn(virt_to_pfn(va));
}

static inline void *pfn_to_virt(unsigned long pfn)
{
    return (void *)(pfn << PAGE_SHIFT);
}

static inline void *mfn_to_virt(unsigned long mfn)
{
    return pfn_to_virt(mfn_to_pfn(mfn));
}

/* Boot: map all RAM 1:1, publish the P2M tree, start the allocator. */
void mm_init(void);

/* Page allocator (RAM pages, zeroing is the caller's business). */
void *alloc_pages(unsigned long n);
void free_pages(void *va, unsigned long n);
unsigned long free_page_count(void);

/* Map machine frame MFN at VA (any canonical address outside RAM), or
 * unmap it; 0 or a negative errno. Intermediate tables are created. */
int map_frame(unsigned long va, unsigned long mfn, unsigned long prot);
int unmap_frame(unsigned long va);
/* Map N machine frames in the map area; returns the VA or NULL. */
void *vmap_frames(const unsigned long *mfns, unsigned long n);
/* Reserve N pages of the map area (nothing mapped); the VA or NULL. */
void *vmap_reserve(unsigned long n);
/* The (read-only) L1 page table that maps VA, created if missing. */
const uint64_t *page_table_l1(const void *va);
/* Change the PTE of one RAM page (e.g. make it read-only). */
int set_page_prot(void *va, unsigned long prot);

#endif
